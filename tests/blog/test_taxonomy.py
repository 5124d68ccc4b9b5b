"""Tags and series: their pages, feeds and sitemap entries, and what the post page says of them."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from blog.models import Post, Series, Tag
from tests.support.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def series():
    """A series of three published parts and a draft fourth."""
    group = Series.objects.create(title="Gradient descent", slug="gradient-descent")
    now = timezone.now()
    for order in (1, 2, 3):
        PostFactory(
            title=f"Descent part {order}",
            series=group,
            series_order=order,
            published_at=now - timedelta(days=10 - order),
        )
    PostFactory(title="Descent part 4", series=group, series_order=4, status=Post.Status.DRAFT)
    return group


def json_ld(response) -> dict:
    html = response.content.decode()
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_tag_page_lists_the_published_posts_on_it_newest_first(client):
    tag = Tag.objects.create(name="Optimisation", slug="optimisation")
    older = PostFactory(title="Older on it", published_at=timezone.now() - timedelta(days=2))
    newer = PostFactory(title="Newer on it")
    draft = PostFactory(title="A draft on it", status=Post.Status.DRAFT)
    PostFactory(title="Not on it")
    for post in (older, newer, draft):
        post.tags.add(tag)
    response = client.get(tag.get_absolute_url())
    assertContains(response, '<h1 class="page-title">Posts on Optimisation</h1>', html=True)
    text = response.content.decode()
    assert text.index("Newer on it") < text.index("Older on it")
    assertNotContains(response, "A draft on it")
    assertNotContains(response, "Not on it")
    assertContains(
        response,
        f'<link rel="alternate" type="application/atom+xml" title="Posts on Optimisation (Atom)" '
        f'href="{reverse("blog:tag-feed", kwargs={"slug": "optimisation"})}">',
        html=True,
    )


def test_unknown_tag_series_and_tag_feed_are_not_found(client):
    assert client.get(reverse("blog:tag-detail", kwargs={"slug": "nope"})).status_code == 404
    assert client.get(reverse("blog:series-detail", kwargs={"slug": "nope"})).status_code == 404
    assert client.get(reverse("blog:tag-feed", kwargs={"slug": "nope"})).status_code == 404


def test_tag_page_is_paginated_like_the_home_page(client):
    tag = Tag.objects.create(name="Many", slug="many")
    now = timezone.now()
    for days in range(12):
        PostFactory(title=f"Day {days}", published_at=now - timedelta(days=days)).tags.add(tag)
    first = client.get(tag.get_absolute_url())
    assertContains(first, '<a href="?page=2" rel="next">Older posts</a>', html=True)
    second = client.get(tag.get_absolute_url(), {"page": 2})
    assertContains(second, "Day 11")
    assert client.get(tag.get_absolute_url(), {"page": 9}).status_code == 404


def test_series_page_lists_its_published_parts_in_order(client, series):
    response = client.get(series.get_absolute_url())
    text = response.content.decode()
    assert text.index("Part 1: Descent part 1") < text.index("Part 2: Descent part 2")
    assert text.index("Part 2: Descent part 2") < text.index("Part 3: Descent part 3")
    assertContains(response, "A series in 3 parts")
    assertNotContains(response, "Descent part 4")


def test_post_page_says_which_part_it_is_with_the_previous_and_next_parts(client, series):
    second = Post.objects.get(title="Descent part 2")
    response = client.get(second.get_absolute_url())
    assertContains(
        response,
        f'<p id="series-nav-title">Part 2 of 3 in <a href="{series.get_absolute_url()}">'
        "Gradient descent</a></p>",
        html=True,
    )
    first, third = (Post.objects.get(title=f"Descent part {n}") for n in (1, 3))
    assertContains(response, f'href="{first.get_absolute_url()}"><span>Previous part</span>')
    assertContains(response, f'href="{third.get_absolute_url()}"><span>Next part</span>')
    data = json_ld(response)
    assert data["isPartOf"]["name"] == "Gradient descent"
    assert data["isPartOf"]["url"] == "http://testserver" + series.get_absolute_url()


def test_last_part_has_no_next_part_and_a_draft_part_is_not_counted(client, series):
    third = Post.objects.get(title="Descent part 3")
    response = client.get(third.get_absolute_url())
    assertContains(response, "Part 3 of 3 in")
    assertNotContains(response, "Next part")


def test_post_page_links_its_tags_and_lists_them_as_keywords(client):
    post = PostFactory()
    post.tags.add(
        Tag.objects.create(name="Statistics", slug="statistics"),
        Tag.objects.create(name="Bayes", slug="bayes"),
    )
    response = client.get(post.get_absolute_url())
    assertContains(response, '<a href="/tags/statistics/" rel="tag">Statistics</a>', html=True)
    assertContains(response, '<a href="/tags/bayes/" rel="tag">Bayes</a>', html=True)
    assert json_ld(response)["keywords"] == ["Bayes", "Statistics"]


@pytest.mark.parametrize("change", ["rename the tag", "add a tag", "leave the series"])
def test_post_page_version_changes_with_its_tags_and_series(client, series, change):
    """The post page's ETag and cached fragments follow its tags and series, even when the
    post's own row is not saved."""
    post = Post.objects.get(title="Descent part 2")
    tag = Tag.objects.create(name="Before", slug="before")
    post.tags.add(tag)
    before = client.get(post.get_absolute_url())
    if change == "rename the tag":
        Tag.objects.filter(pk=tag.pk).update(name="After")
        shown = "After"
    elif change == "add a tag":
        post.tags.add(Tag.objects.create(name="Second tag", slug="second-tag"))
        shown = "Second tag"
    else:
        Post.objects.filter(title="Descent part 3").update(series=None, series_order=None)
        shown = "Part 2 of 2 in"
    after = client.get(post.get_absolute_url(), headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assertContains(after, shown)


def test_tag_page_answers_304_until_a_post_joins_the_tag(client):
    tag = Tag.objects.create(name="Cached", slug="cached")
    PostFactory().tags.add(tag)
    first = client.get(tag.get_absolute_url())
    assert first["Cache-Control"] == "public, no-cache"
    again = client.get(tag.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    PostFactory(title="Joins the tag").tags.add(tag)
    changed = client.get(tag.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assertContains(changed, "Joins the tag")


def test_series_page_version_changes_when_the_series_is_renamed(client, series):
    first = client.get(series.get_absolute_url())
    Series.objects.filter(pk=series.pk).update(title="Descent, renamed")
    changed = client.get(series.get_absolute_url(), headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200
    assertContains(changed, "Descent, renamed")


def test_tag_feed_holds_the_published_posts_on_the_tag(client):
    tag = Tag.objects.create(name="Feeds", slug="feeds")
    PostFactory(title="In the feed").tags.add(tag)
    PostFactory(title="A draft", status=Post.Status.DRAFT).tags.add(tag)
    PostFactory(title="Elsewhere")
    response = client.get(reverse("blog:tag-feed", kwargs={"slug": "feeds"}))
    assert response["Content-Type"].startswith("application/atom+xml")
    assertContains(response, "<title>Feeds · ")
    assertContains(response, "In the feed")
    assertNotContains(response, "A draft")
    assertNotContains(response, "Elsewhere")


def test_sitemap_lists_tags_and_series_with_a_published_post(client, series):
    PostFactory().tags.add(Tag.objects.create(name="Listed", slug="listed"))
    PostFactory(status=Post.Status.DRAFT).tags.add(Tag.objects.create(name="Hidden", slug="hidden"))
    response = client.get("/sitemap.xml")
    assertContains(response, "http://testserver/tags/listed/</loc>")
    assertContains(response, f"http://testserver{series.get_absolute_url()}</loc>")
    assertNotContains(response, "/tags/hidden/")
