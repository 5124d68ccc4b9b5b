"""The post page's version (blog.caching.post_page_version) is the one source of its ETag and of
every fragment key: changing any of its ingredients changes the page readers get."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment
from comments.services import moderate
from ops import form_tokens
from ops.release import release
from tests.support.factories import CommentFactory, PostFactory


@pytest.fixture
def read_page(client, post):
    """Fetch the post page as an anonymous reader: its ETag and its HTML."""

    def read():
        response = client.get(post.get_absolute_url())
        assert response.status_code == 200
        assert not response.cookies, "an anonymous reader got a cookie"
        return response["ETag"], response.content.decode()

    return read


def test_an_edit_of_the_post_changes_the_page(post, read_page):
    etag, html = read_page()
    assert "Post edited for the test" not in html

    post.title = "Post edited for the test"
    post.save()

    new_etag, new_html = read_page()
    assert new_etag != etag
    assert "<h1>Post edited for the test</h1>" in new_html


def test_approving_a_comment_changes_the_page(post, editor, read_page):
    comment = CommentFactory(post=post, status=Comment.Status.PENDING, body="Waiting for a yes.")
    etag, html = read_page()
    assert "Waiting for a yes." not in html
    assert "Comments (0)" in html

    moderate(Comment.objects.filter(pk=comment.pk), Comment.Status.APPROVED, editor)

    new_etag, new_html = read_page()
    assert new_etag != etag
    assert "Waiting for a yes." in new_html
    assert "Comments (1)" in new_html


def test_a_newly_published_post_changes_the_page(post, read_page):
    etag, html = read_page()
    assert "Next post" not in html

    PostFactory(title="The sequel", published_at=timezone.now())

    new_etag, new_html = read_page()
    assert new_etag != etag
    assert "<span>Next post</span> The sequel" in new_html


def test_a_new_release_changes_the_page(post, read_page, monkeypatch):
    etag, _ = read_page()
    monkeypatch.setattr("blog.caching.release", lambda: f"after {release()}")

    new_etag, new_html = read_page()
    assert new_etag != etag
    assert f"<h1>{post.title}</h1>" in new_html


def test_a_new_form_token_period_changes_the_page(post, read_page, monkeypatch, settings):
    etag, _ = read_page()
    later = timezone.now() + timedelta(seconds=settings.FORM_TOKEN_MAX_AGE_SECONDS)
    monkeypatch.setattr(form_tokens.time, "time", later.timestamp)

    new_etag, _ = read_page()
    assert new_etag != etag


def test_nothing_changed_gives_the_same_version(post, read_page):
    assert read_page()[0] == read_page()[0]
