"""A scheduled post (published, its time still to come) appears by itself at its time, and the
admin says which posts are drafts, scheduled or published."""

import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from tests.support.factories import PostFactory

LISTS = {
    "home": reverse("blog:post-list"),
    "rss feed": reverse("blog:feed-rss"),
    "atom feed": reverse("blog:feed-atom"),
    "sitemap": reverse("ops:sitemap"),
    "search": reverse("blog:search") + "?" + urlencode({"q": "quokka"}),
}


def shown_in(client, path, slug) -> bool:
    response = client.get(path)
    assert response.status_code == 200
    return slug in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_post_scheduled_two_seconds_ahead_appears_everywhere_at_its_time_with_no_write(client):
    """Polled up to a deadline: PostgreSQL's clock decides, and it moves on its own."""
    post = PostFactory(
        title="Quokka schedule",
        slug="quokka-schedule",
        body="All about the quokka.",
        published_at=timezone.now() + timedelta(seconds=2),
    )
    assert post.state == Post.State.SCHEDULED
    for name, path in LISTS.items():
        assert not shown_in(client, path, post.slug), f"{name} shows the post before its time"
    assert client.get(post.get_absolute_url()).status_code == 404

    deadline = time.monotonic() + 15
    missing = dict(LISTS)
    while missing and time.monotonic() < deadline:
        missing = {
            name: path for name, path in missing.items() if not shown_in(client, path, post.slug)
        }
        if missing:
            time.sleep(0.25)
    assert missing == {}, f"still absent after its time: {sorted(missing)}"
    assert client.get(post.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_admin_list_says_draft_scheduled_with_its_time_or_published(editor_client):
    PostFactory(title="A draft", status=Post.Status.DRAFT)
    soon = timezone.now() + timedelta(days=3)
    PostFactory(title="A scheduled post", published_at=soon)
    PostFactory(title="A published post", published_at=timezone.now() - timedelta(days=1))
    html = editor_client.get(reverse("admin:blog_post_changelist")).content.decode()
    rows = {
        row.split("</a>")[0].rsplit(">", 1)[-1]: row
        for row in html.split("<tr")[1:]
        if "</a>" in row
    }
    assert ">Draft<" in rows["A draft"]
    assert "Scheduled for <time datetime=" in rows["A scheduled post"]
    assert soon.isoformat() in rows["A scheduled post"]
    assert ">Published<" in rows["A published post"]


@pytest.mark.django_db
def test_the_slug_help_text_shows_the_address_literally(editor_client):
    html = editor_client.get(reverse("admin:blog_post_add")).content.decode()
    assert "/posts/&lt;slug&gt;/" in html
