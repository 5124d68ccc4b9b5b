"""sitemap.xml lists the home page and every published post; robots.txt points crawlers to it."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.urls import reverse

from blog.models import Post
from tests.support.factories import PostFactory

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_entries(client) -> dict[str, str]:
    """Map each <loc> of the sitemap to its <lastmod>."""
    response = client.get(reverse("ops:sitemap"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    return {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }


def test_sitemap_lists_the_home_page_and_published_posts_with_absolute_urls(client):
    post = PostFactory()
    entries = sitemap_entries(client)
    assert set(entries) == {
        "http://testserver" + reverse("blog:post-list"),
        "http://testserver" + post.get_absolute_url(),
    }


def test_sitemap_gives_each_post_the_date_it_last_changed(client):
    post = PostFactory()
    lastmod = sitemap_entries(client)["http://testserver" + post.get_absolute_url()]
    assert date.fromisoformat(lastmod) == post.updated_at.date()


def test_sitemap_leaves_out_drafts(client):
    draft = PostFactory(status=Post.Status.DRAFT)
    assert "http://testserver" + draft.get_absolute_url() not in sitemap_entries(client)


def test_robots_txt_points_to_the_absolute_sitemap_url(client):
    response = client.get(reverse("ops:robots-txt"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Sitemap: http://testserver" + reverse("ops:sitemap") in lines
    assert "Disallow: " + reverse("admin:index") in lines


def test_robots_txt_is_served_where_crawlers_look_for_it(client):
    """Crawlers ask for these two addresses by name, so here the paths themselves are the rule."""
    assert reverse("ops:robots-txt") == "/robots.txt"
    assert reverse("ops:sitemap") == "/sitemap.xml"
