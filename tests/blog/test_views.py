"""Who sees which post, and what a missing page looks like."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from blog.models import Post
from blog.views import PostListView
from tests.support.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_draft_posts_are_not_listed_nor_reachable(client):
    PostFactory(title="Public post")
    draft = PostFactory(status=Post.Status.DRAFT, title="Secret draft")
    home = client.get(reverse("blog:post-list"))
    assertContains(home, "Public post")
    assertNotContains(home, "Secret draft")
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_posts_scheduled_for_later_stay_hidden_until_their_time(client):
    scheduled = PostFactory(published_at=timezone.now() + timedelta(days=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_home_page_lists_newest_posts_first(client):
    PostFactory(title="Older", published_at=timezone.now() - timedelta(days=2))
    PostFactory(title="Newer", published_at=timezone.now() - timedelta(days=1))
    response = client.get(reverse("blog:post-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Newer") < html.index("Older")


def test_unknown_address_gets_the_sites_404_page(client):
    assertContains(client.get("/no-such-page/"), "Page not found", status_code=404)


def test_an_unexpected_error_shows_the_sites_500_page_without_details(client, monkeypatch):
    def broken(self):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(PostListView, "get_queryset", broken)
    client.raise_request_exception = False
    response = client.get(reverse("blog:post-list"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "secret internals" not in html
    assert "Traceback" not in html


def test_post_body_html_is_rendered_once_on_save(db):
    post = PostFactory(body="Some *emphasis*.")
    assert post.body_html == "<p>Some <em>emphasis</em>.</p>\n"
    post.body = "Now **strong**."
    post.save()
    post.refresh_from_db()
    assert post.body_html == "<p>Now <strong>strong</strong>.</p>\n"
