"""The post page: table of contents, dates, reading time, comments link, previous and next."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from blog.models import Post
from tests.support.factories import PostFactory

pytestmark = pytest.mark.django_db

OUTLINED_BODY = """Intro.

## First part

Text.

### A detail

More.

#### A finer point

Even more.

## Second part

The end.
"""


def test_a_post_published_while_the_site_runs_is_shown_without_a_restart(client):
    """The public querysets read the clock per request, not once when the code is loaded."""
    client.get(reverse("blog:post-list"))
    post = PostFactory(title="Fresh off the press")
    assertContains(client.get(reverse("blog:post-list")), "Fresh off the press")
    assert client.get(post.get_absolute_url()).status_code == 200


def test_outline_is_read_from_the_headings_when_the_post_is_saved():
    post = PostFactory(body=OUTLINED_BODY)
    assert post.outline == [
        {
            "id": "first-part",
            "text": "First part",
            "children": [
                {
                    "id": "a-detail",
                    "text": "A detail",
                    "children": [{"id": "a-finer-point", "text": "A finer point", "children": []}],
                }
            ],
        },
        {"id": "second-part", "text": "Second part", "children": []},
    ]


def test_table_of_contents_links_to_every_heading_in_order(client):
    post = PostFactory(body=OUTLINED_BODY)
    response = client.get(post.get_absolute_url())
    assertContains(
        response,
        """<nav class="toc" aria-labelledby="toc-title">
          <p class="toc-title" id="toc-title">Contents</p>
          <ul>
            <li><a href="#first-part">First part</a>
              <ul><li><a href="#a-detail">A detail</a>
                <ul><li><a href="#a-finer-point">A finer point</a></li></ul>
              </li></ul>
            </li>
            <li><a href="#second-part">Second part</a></li>
          </ul>
        </nav>""",
        html=True,
    )
    for heading_id in ["first-part", "a-detail", "a-finer-point", "second-part"]:
        assertContains(response, f'id="{heading_id}"')


def test_a_post_with_a_single_heading_has_no_table_of_contents(client):
    post = PostFactory(body="Intro.\n\n## Only part\n\nText.")
    response = client.get(post.get_absolute_url())
    assertContains(response, '<h2 id="only-part">Only part</h2>', html=True)
    assertNotContains(response, 'class="toc"')


def test_post_page_shows_reading_time_and_publication_date(client):
    body = " ".join(["word"] * 700)
    post = PostFactory(body=body, published_at=timezone.now() - timedelta(days=3))
    response = client.get(post.get_absolute_url())
    assert post.reading_time_minutes == 4
    assertContains(response, "4 min read")
    date = post.published_at
    assertContains(
        response,
        f'<time datetime="{date:%Y-%m-%dT%H:%M:%S+0000}">'
        f"{date.strftime('%B')} {date.day}, {date.year}</time>",
        html=True,
    )


def test_post_last_saved_on_its_publication_day_shows_no_updated_date(client):
    post = PostFactory()
    response = client.get(post.get_absolute_url())
    assertContains(response, f'<time datetime="{post.published_at:%Y-%m-%dT%H:%M:%S+0000}">')
    assertNotContains(response, "Updated")


def test_post_edited_on_a_later_day_shows_when_it_was_updated(client):
    post = PostFactory(published_at=timezone.now() - timedelta(days=10))
    response = client.get(post.get_absolute_url())
    updated = post.updated_at
    assertContains(
        response,
        f'<span>Updated <time datetime="{updated:%Y-%m-%dT%H:%M:%S+0000}">'
        f"{updated.strftime('%B')} {updated.day}, {updated.year}</time></span>",
        html=True,
    )


def test_post_meta_links_to_the_comments(client):
    post = PostFactory()
    response = client.get(post.get_absolute_url())
    assertContains(response, 'href="#comments"')
    assertContains(response, 'id="comments"')


def test_previous_and_next_links_follow_publication_order(client):
    now = timezone.now()
    first = PostFactory(title="First", published_at=now - timedelta(days=3))
    middle = PostFactory(title="Middle", published_at=now - timedelta(days=2))
    last = PostFactory(title="Last", published_at=now - timedelta(days=1))
    PostFactory(title="Draft after", status=Post.Status.DRAFT)
    response = client.get(middle.get_absolute_url())
    assertContains(
        response,
        f'<a class="post-nav-previous" href="{first.get_absolute_url()}" rel="prev">'
        "<span>Previous post</span> First</a>",
        html=True,
    )
    assertContains(
        response,
        f'<a class="post-nav-next" href="{last.get_absolute_url()}" rel="next">'
        "<span>Next post</span> Last</a>",
        html=True,
    )
    newest = client.get(last.get_absolute_url())
    assertNotContains(newest, 'rel="next"')
    assertNotContains(newest, "Draft after")


def test_a_lone_post_has_no_previous_or_next_links(client):
    post = PostFactory(title="All alone")
    response = client.get(post.get_absolute_url())
    assertContains(response, "All alone")
    assertNotContains(response, 'class="post-nav"')


def test_post_page_queries_do_not_grow_with_the_number_of_posts_or_headings(client):
    def queries_for(post):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(post.get_absolute_url()).status_code == 200
        return len(queries)

    now = timezone.now()
    PostFactory(published_at=now - timedelta(days=9))
    between_two = PostFactory(published_at=now - timedelta(days=8))
    PostFactory(published_at=now - timedelta(days=7))
    baseline = queries_for(between_two)
    PostFactory.create_batch(5, published_at=now - timedelta(days=1))
    long_outline = "\n\n".join(f"## Part {n}\n\nText." for n in range(30))
    busy = PostFactory(body=long_outline, published_at=now - timedelta(days=5))
    assert queries_for(busy) == baseline
