"""Long lists are split into pages whose links keep the rest of the address."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from tests.support.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_home_page_links_to_older_posts_and_back(client):
    now = timezone.now()
    for days in range(12):
        PostFactory(title=f"Day {days}", published_at=now - timedelta(days=days))
    first = client.get(reverse("blog:post-list"))
    assertContains(first, '<a href="?page=2" rel="next">Older posts</a>', html=True)
    assertNotContains(first, "Day 10")
    second = client.get(reverse("blog:post-list"), {"page": 2})
    # The first page's own address: ?page=1 would be redirected to it (ops.page_cache).
    assertContains(second, '<a href="?" rel="prev">Newer posts</a>', html=True)
    assertContains(second, "Day 11")
    assertContains(second, "Page 2 of 2")


def test_a_page_past_the_last_is_not_found(client):
    PostFactory()
    assert client.get(reverse("blog:post-list"), {"page": 9}).status_code == 404
