"""Tags and series: their pages, feeds and sitemap entries, and what the post page says of them."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from blog.models import Post, Series, Tag
from tests.support.factories import PostFactory
from tests.support.inert_html import active_content

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


BAD_INPUTS = json.loads((Path(__file__).parents[1] / "data" / "bad_inputs.json").read_text())


def add_tag_in_the_admin(client, name: str, slug: str = ""):
    return client.post(reverse("admin:blog_tag_add"), {"name": name, "slug": slug})


def test_every_hostile_tag_name_is_saved_or_refused_with_a_message_never_a_500(editor_client):
    for case in BAD_INPUTS:
        response = add_tag_in_the_admin(editor_client, case["input"])
        assert response.status_code in (200, 302), case["why"]
        if response.status_code == 200:
            assert response.context["adminform"].form.errors, case["why"]


def test_a_name_that_makes_no_slug_is_refused_with_a_clear_message(editor_client):
    response = add_tag_in_the_admin(editor_client, "!!! ???")
    assert response.status_code == 200
    assertContains(response, "This name makes no address: give the slug yourself")
    assert not Tag.objects.exists()
    given = add_tag_in_the_admin(editor_client, "!!! ???", slug="punctuation")
    assert given.status_code == 302
    assert Tag.objects.get().slug == "punctuation"


def test_a_slug_is_made_from_a_name_in_any_script(editor_client):
    add_tag_in_the_admin(editor_client, "Машинное обучение")
    assert Tag.objects.get().slug == "mashinnoe-obuchenie"


@pytest.fixture
def hostile_tags(db):
    """A published post carrying a tag named after each bad input (at most 100 characters,
    as the field keeps), in a series with a hostile title, and the same post with plain names."""
    names = {case["input"].strip()[:100] for case in BAD_INPUTS} - {""}
    names = {name.replace("\x00", "") for name in names}
    tags = [Tag.objects.create(name=name, slug=f"hostile-{n}") for n, name in enumerate(names)]
    series = Series.objects.create(title=BAD_INPUTS[0]["input"], slug="hostile-series")
    post = PostFactory(series=series, series_order=1)
    post.tags.set(tags)
    plain = PostFactory(series=Series.objects.create(title="Plain", slug="plain"), series_order=1)
    plain.tags.set(
        [Tag.objects.create(name=f"Plain {n}", slug=f"plain-{n}") for n in range(len(names))]
    )
    return post, plain


def problems(client, path) -> set:
    response = client.get(path)
    assert response.status_code == 200, path
    return set(active_content(response.content.decode()))


def test_hostile_tag_and_series_names_are_inert_on_every_page_that_shows_them(
    client, editor_client, hostile_tags
):
    """The public pages that show hostile names carry no active content beyond what the same
    pages carry with plain names (post page with its links and JSON-LD, tag and series pages,
    the tag's feed); the admin's lists and change pages carry none of the names' own."""
    post, plain = hostile_tags
    hostile_tag, plain_tag = post.tags.first(), plain.tags.first()
    pairs = [
        (post.get_absolute_url(), plain.get_absolute_url()),
        (hostile_tag.get_absolute_url(), plain_tag.get_absolute_url()),
        (post.series.get_absolute_url(), plain.series.get_absolute_url()),
        (
            reverse("blog:tag-feed", kwargs={"slug": hostile_tag.slug}),
            reverse("blog:tag-feed", kwargs={"slug": plain_tag.slug}),
        ),
    ]
    for hostile, benign in pairs:
        assert problems(client, hostile) == problems(client, benign), hostile
    for path in (
        reverse("admin:blog_tag_changelist"),
        reverse("admin:blog_series_changelist"),
        reverse("admin:blog_post_changelist"),
        reverse("admin:blog_post_change", args=[post.pk]),
        reverse("admin:blog_tag_change", args=[hostile_tag.pk]),
    ):
        # The admin's own scripts are there; none of the names' may be.
        found = problems(editor_client, path)
        assert not [p for p in found if "pwned" in p or "evil.example" in p], path
    data = json_ld(client.get(post.get_absolute_url()))
    assert sorted(data["keywords"]) == sorted(tag.name for tag in post.tags.all())
    assert data["isPartOf"]["name"] == BAD_INPUTS[0]["input"]
    assertContains(client.get("/sitemap.xml"), f"/tags/{hostile_tag.slug}/</loc>")
