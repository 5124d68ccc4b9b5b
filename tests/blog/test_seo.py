"""Each post tells search engines and link previews what it is: canonical URL, OpenGraph,
Twitter card and schema.org BlogPosting structured data (JSON-LD)."""

import json
from datetime import datetime
from html.parser import HTMLParser

import pytest
from pytest_django.asserts import assertNotContains

from tests.support.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


class HeadReader(HTMLParser):
    """Collect a page's meta tags, link tags and JSON-LD scripts."""

    def __init__(self):
        super().__init__()
        self.meta = {}
        self.links = {}
        self.json_ld = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            self.meta[attrs.get("property") or attrs.get("name")] = attrs["content"]
        elif tag == "link":
            self.links.setdefault(attrs["rel"], attrs["href"])
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data


def read_head(client, post) -> HeadReader:
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    reader = HeadReader()
    reader.feed(response.content.decode())
    return reader


@pytest.fixture
def post_by_ada(db):
    author = UserFactory(first_name="Ada", last_name="Lovelace")
    return PostFactory(
        title="Gradient descent, gently",
        description="What a learning rate does, with pictures.",
        author=author,
    )


def test_post_names_its_absolute_url_as_canonical(client, post_by_ada):
    assert (
        read_head(client, post_by_ada).links["canonical"]
        == "http://testserver" + post_by_ada.get_absolute_url()
    )


def test_post_has_opengraph_tags_for_link_previews(client, post_by_ada):
    meta = read_head(client, post_by_ada).meta
    assert meta["og:type"] == "article"
    assert meta["og:title"] == "Gradient descent, gently"
    assert meta["og:description"] == "What a learning rate does, with pictures."
    assert meta["og:url"] == "http://testserver" + post_by_ada.get_absolute_url()
    assert datetime.fromisoformat(meta["article:published_time"]) == post_by_ada.published_at


def test_post_has_a_twitter_card(client, post_by_ada):
    meta = read_head(client, post_by_ada).meta
    assert meta["twitter:card"] == "summary"
    assert meta["twitter:title"] == "Gradient descent, gently"
    assert meta["twitter:description"] == "What a learning rate does, with pictures."


def test_post_structured_data_is_a_valid_blog_posting(client, post_by_ada):
    [raw] = read_head(client, post_by_ada).json_ld
    data = json.loads(raw)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "BlogPosting"
    assert data["headline"] == "Gradient descent, gently"
    assert data["description"] == "What a learning rate does, with pictures."
    assert data["author"] == {"@type": "Person", "name": "Ada Lovelace"}
    assert data["url"] == "http://testserver" + post_by_ada.get_absolute_url()
    published = datetime.fromisoformat(data["datePublished"])
    modified = datetime.fromisoformat(data["dateModified"])
    assert published.tzinfo is not None and modified.tzinfo is not None
    assert abs(published - post_by_ada.published_at).total_seconds() < 0.001
    assert abs(modified - post_by_ada.updated_at).total_seconds() < 0.001


def test_structured_data_cannot_be_broken_out_of_by_a_title(client):
    """A title is data: it cannot close the script element nor start a new one."""
    title = '</script><script>alert("x")</script> & more'
    post = PostFactory(title=title)
    response = client.get(post.get_absolute_url())
    assertNotContains(response, "<script>alert")
    [raw] = read_head(client, post).json_ld
    assert json.loads(raw)["headline"] == title
