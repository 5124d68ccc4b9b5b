"""HTTP caching of the post page and the home page: 304s, who may cache, changes seen at once."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments.forms import token_scope
from comments.models import Comment
from ops import form_tokens
from tests.support.comments import READER_ADDRESS, comment_url, form_data
from tests.support.factories import CommentFactory, PostFactory
from tests.support.forms import find_form

SHARED = "public, no-cache"  # browsers revalidate every visit; CDN-Cache-Control for CDNs
PRIVATE = "private, no-cache"


@pytest.fixture
def reader():
    """A reader's browser with no cookie: what most visitors, and every crawler, look like."""
    return Client()


def approve(moderator_client, comment):
    """Approve as moderators do: the bulk action on the admin's comment queue."""
    response = moderator_client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "approve", "_selected_action": [comment.pk]},
    )
    assert response.status_code == 302


def revisit(reader, url, response):
    return reader.get(url, headers={"if-none-match": response.headers["ETag"]})


@pytest.mark.parametrize("page", ["post", "home"])
def test_a_repeat_visit_gets_304_with_an_empty_body(reader, post, page):
    url = post.get_absolute_url() if page == "post" else reverse("blog:post-list")
    first = reader.get(url)
    assert first.status_code == 200
    assert first.headers["ETag"].startswith('W/"')

    again = revisit(reader, url, first)
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == SHARED


@pytest.mark.parametrize("page", ["post", "home"])
def test_an_anonymous_reader_gets_no_cookie_and_a_page_shared_caches_may_keep(reader, post, page):
    CommentFactory(post=post)
    url = post.get_absolute_url() if page == "post" else reverse("blog:post-list")
    response = reader.get(url)
    assertContains(response, post.title)
    assert "Set-Cookie" not in response.headers
    assert response.cookies == {}
    assert response.headers["Cache-Control"] == SHARED
    assert response.headers["CDN-Cache-Control"] == "max-age=60, stale-while-revalidate=600"
    assert "Cookie" in response.headers["Vary"]


def test_a_reader_with_a_pending_comment_gets_a_private_page_only_they_see(reader, post):
    response = reader.post(
        reverse("comments:post-comment", kwargs={"slug": post.slug}),
        form_data(post, body="My own words"),
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 303

    own_page = reader.get(post.get_absolute_url())
    assert own_page.headers["Cache-Control"] == PRIVATE
    assert "ETag" not in own_page.headers
    assertContains(own_page, "My own words")
    shared_page = Client().get(post.get_absolute_url())
    assert shared_page.headers["Cache-Control"] == SHARED
    assertNotContains(shared_page, "My own words")


def test_a_signed_in_user_gets_a_private_page(moderator_client, post):
    response = moderator_client.get(post.get_absolute_url())
    assertContains(response, post.title)
    assert response.headers["Cache-Control"] == PRIVATE
    assert "ETag" not in response.headers


def test_an_edit_of_the_post_is_seen_at_once(reader, post):
    first = reader.get(post.get_absolute_url())
    post.title = "A better title"
    post.body = "Rewritten from the first line."
    post.save()

    again = revisit(reader, post.get_absolute_url(), first)
    assert again.status_code == 200
    assertContains(again, "A better title")
    assertContains(again, "Rewritten from the first line.")


def test_an_approved_comment_is_seen_at_once(reader, moderator_client, post):
    pending = CommentFactory(post=post, status="pending", body="Worth a moderator's yes")
    first = reader.get(post.get_absolute_url())
    assertNotContains(first, "Worth a moderator")

    approve(moderator_client, pending)
    again = revisit(reader, post.get_absolute_url(), first)
    assert again.status_code == 200
    assertContains(again, "Worth a moderator")
    assertContains(again, '<a href="#comments">1 comment</a>', html=True)


def test_a_comment_withdrawn_edited_or_deleted_by_a_moderator_changes_the_page_at_once(
    reader, moderator_client, post
):
    withdrawn = CommentFactory(post=post, body="Withdrawn later")
    edited = CommentFactory(post=post, body="Edited later")
    deleted = CommentFactory(post=post, body="Deleted later")
    url = post.get_absolute_url()
    page = reader.get(url)
    assertContains(page, "Withdrawn later")

    rejected = moderator_client.post(
        reverse("admin:comments_comment_changelist"),
        {"action": "reject", "_selected_action": [withdrawn.pk]},
    )
    assert rejected.status_code == 302
    page = revisit(reader, url, page)
    assertNotContains(page, "Withdrawn later")
    assertContains(page, '<h2 id="comments-heading">Comments (2)</h2>', html=True)

    edited.body = "Edited by a moderator"
    edited.save()
    page = revisit(reader, url, page)
    assertContains(page, "Edited by a moderator")

    deleted.delete()
    page = revisit(reader, url, page)
    assertNotContains(page, "Deleted later")
    assertContains(page, "Edited by a moderator")
    assertContains(page, '<h2 id="comments-heading">Comments (1)</h2>', html=True)


def test_a_newly_published_post_appears_on_the_home_page_and_in_the_next_link_at_once(reader, post):
    home = reader.get(reverse("blog:post-list"))
    older = reader.get(post.get_absolute_url())
    newer = PostFactory(title="Fresh from the editor", published_at=timezone.now())

    home = revisit(reader, reverse("blog:post-list"), home)
    assertContains(home, "Fresh from the editor")
    older = revisit(reader, post.get_absolute_url(), older)
    assertContains(older, f'href="{newer.get_absolute_url()}" rel="next"')


def test_a_copy_kept_for_half_a_form_token_lifetime_is_sent_in_full_with_a_fresh_token(
    reader, post, monkeypatch, settings
):
    """A page kept alive by 304s must never hold a comment token too old to be accepted."""

    class Clock:
        now = 1_800_000_000.0

        def time(self):
            return self.now

    clock = Clock()
    monkeypatch.setattr(form_tokens, "time", clock)
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0  # the reader sends the form straight away
    first = reader.get(post.get_absolute_url())
    kept_token = comment_form(first)["token"]
    clock.now += settings.FORM_TOKEN_MAX_AGE_SECONDS / 2

    again = revisit(reader, post.get_absolute_url(), first)
    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]
    fields = comment_form(again)
    assert fields["token"] != kept_token
    scope = token_scope(post)
    assert form_tokens.read(fields["token"], scope) > form_tokens.read(kept_token, scope)
    fields.update(name="Ada", email="ada@example.com", body="Sent with the fresh token")
    sent = reader.post(comment_url(post), fields, REMOTE_ADDR=READER_ADDRESS)
    assert sent.status_code == 303
    assert Comment.objects.get().status == Comment.Status.PENDING


def comment_form(response) -> dict[str, str]:
    return find_form(response.content.decode(), css_class="comment-form").fields


def add_approved_comments(post, count):
    Comment.objects.bulk_create(
        Comment(post=post, name=f"Reader {n}", email="r@example.com", body=f"Comment {n}",
                body_html=f"<p>Comment {n}</p>", status="approved")
        for n in range(count)
    )  # fmt: skip


def test_the_post_page_runs_the_same_queries_with_one_comment_and_with_10000(
    reader, post, django_assert_num_queries
):
    """Built from scratch, the page's queries do not depend on the number of comments (with none
    at all, two fewer: there are no threads and replies to fetch); with its fragments cached, as
    on every later visit, it runs one: the post with its version."""
    with CaptureQueriesContext(connection) as without_comments:
        assertContains(reader.get(post.get_absolute_url()), "No comments yet.")
    add_approved_comments(post, 1)
    with CaptureQueriesContext(connection) as with_one:
        assertContains(reader.get(post.get_absolute_url()), "Comments (1)")
    assert len(without_comments) == len(with_one) - 2
    add_approved_comments(post, 9_999)

    with django_assert_num_queries(len(with_one)):
        page = reader.get(post.get_absolute_url())
    assertContains(page, "Comments (10000)")
    assertContains(page, "Comments page 1 of 200")
    with django_assert_num_queries(1):
        assertContains(reader.get(post.get_absolute_url()), "Comments (10000)")
