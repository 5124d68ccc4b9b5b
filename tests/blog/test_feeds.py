"""RSS 2.0 and Atom feeds carry every published post in full, and every page advertises them."""

import feedparser
import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from blog.models import Post
from tests.support.factories import PostFactory

pytestmark = pytest.mark.django_db

FEEDS = [("blog:feed-rss", "rss20"), ("blog:feed-atom", "atom10")]


@pytest.fixture
def published(db):
    return PostFactory(
        title="Feeds & readers",
        description="Why feeds still matter.",
        body="Intro.\n\n## Subscribe\n\nUse **any** reader.",
    )


def fetch_feed(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return response, feedparser.parse(response.content)


@pytest.mark.parametrize(("url_name", "version"), FEEDS)
def test_feed_parses_as_its_format_with_the_blogs_name(
    client, settings, published, url_name, version
):
    response, feed = fetch_feed(client, url_name)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == version
    assert feed.feed.title == settings.BLOG_TITLE
    assert feed.feed.link == "http://testserver" + reverse("blog:post-list")


@pytest.mark.parametrize(("url_name", "version"), FEEDS)
def test_feed_entry_carries_the_full_html_of_the_post(client, published, url_name, version):
    _, feed = fetch_feed(client, url_name)
    [entry] = feed.entries
    assert entry.title == "Feeds & readers"
    assert entry.link == "http://testserver" + published.get_absolute_url()
    assert entry.summary == "Why feeds still matter."
    [content] = entry.content
    assert content.type == "text/html"
    assert '<h2 id="subscribe">Subscribe</h2>' in content.value
    assert "<strong>any</strong>" in content.value
    assert entry.author == published.author_name
    assert entry.published_parsed[:6] == published.published_at.utctimetuple()[:6]


@pytest.mark.parametrize(("url_name", "version"), FEEDS)
def test_feed_leaves_out_drafts(client, published, url_name, version):
    PostFactory(title="Unfinished draft", status=Post.Status.DRAFT)
    _, feed = fetch_feed(client, url_name)
    assert [entry.title for entry in feed.entries] == ["Feeds & readers"]


def test_every_page_advertises_both_feeds_in_its_head(client, settings):
    response = client.get(reverse("blog:post-list"))
    title = settings.BLOG_TITLE
    rss = reverse("blog:feed-rss")
    atom = reverse("blog:feed-atom")
    assertContains(
        response,
        f'<link rel="alternate" type="application/rss+xml" title="{title} (RSS)" href="{rss}">',
        html=True,
    )
    assertContains(
        response,
        f'<link rel="alternate" type="application/atom+xml" title="{title} (Atom)" href="{atom}">',
        html=True,
    )
