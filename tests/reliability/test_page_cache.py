"""The page cache in real gunicorn workers: a change made anywhere shows on the next request on
every worker of every host, because PostgreSQL tells each worker (NOTIFY) the moment it commits.

Invalidation is asynchronous: a change may take up to 500 ms to reach a worker; the servers name
the answering worker and whether it answered from its cache (PAGE_CACHE_WORKER_HEADER).
"""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, Tag
from comments.models import Comment
from tests.support.factories import CommentFactory, PostFactory
from tests.support.page_cache import (
    WORKER_HEADER_ENV,
    answered_by,
    every_worker_shows,
    warm,
)
from tests.support.servers import gunicorn
from tests.support.web import Reader, until

WORKERS = 3
HOME = reverse("blog:post-list")


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), gunicorn(workers=WORKERS, env=WORKER_HEADER_ENV) as started:
        yield started


@pytest.fixture(scope="module")
def second_host(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), gunicorn(workers=2, env=WORKER_HEADER_ENV) as started:
        yield started


def test_an_approved_comment_shows_on_every_worker(server, transactional_db):
    post = PostFactory()
    comment = CommentFactory(post=post, status="pending", body="Held for a moment.")
    path = post.get_absolute_url()
    warm(server, path)
    assert comment.body not in Reader(server.url).get(path).text

    Comment.objects.filter(pk=comment.pk).update(status="approved")  # as moderation does
    every_worker_shows(server, path, "Held for a moment.")


def test_a_comment_spelling_a_token_marker_leaves_its_post_answering_on_every_worker(
    server, transactional_db
):
    """Text that looks like the page cache's form-token marker is text: every worker shows the
    post page with it, keeps the page, and answers it from memory."""
    post = PostFactory()
    path = post.get_absolute_url()
    warm(server, path)
    CommentFactory(post=post, body="So helpful__page_cache_token_. See `__page_cache_token_zz__`")
    every_worker_shows(server, path, "So helpful__page_cache_token_.")
    warm(server, path)
    response = Reader(server.url).get(path)
    assert (response.status, answered_by(response)[0]) == (200, "hit")
    assert "<code>__page_cache_token_zz__</code>" in response.text


def test_an_edit_shows_on_every_worker_and_on_the_home_page(server, transactional_db):
    post = PostFactory()
    warm(server, post.get_absolute_url())
    warm(server, HOME)

    post.title = "A title changed in the admin"
    post.save()
    every_worker_shows(server, post.get_absolute_url(), "A title changed in the admin")
    every_worker_shows(server, HOME, "A title changed in the admin")


def test_a_new_published_post_shows_on_every_worker(server, transactional_db):
    PostFactory()
    warm(server, HOME)
    PostFactory(title="Freshly published")
    every_worker_shows(server, HOME, "Freshly published")


def test_a_scheduled_post_shows_when_it_comes_due_with_no_write(server, transactional_db):
    PostFactory()
    due = timezone.now() + timedelta(seconds=3)
    PostFactory(title="Scheduled for later", published_at=due)
    warm(server, HOME)
    assert "Scheduled for later" not in Reader(server.url).get(HOME).text

    time.sleep(max(0.0, (due - timezone.now()).total_seconds()))
    every_worker_shows(server, HOME, "Scheduled for later")


def test_a_draft_saved_leaves_the_cache_alone(server, transactional_db):
    post = PostFactory()
    warm(server, post.get_absolute_url())
    PostFactory(status=Post.Status.DRAFT)
    time.sleep(0.3)
    assert answered_by(Reader(server.url).get(post.get_absolute_url()))[0] == "hit"


def test_a_renamed_tag_shows_on_every_worker_on_its_page_and_its_posts(server, transactional_db):
    tag = Tag.objects.create(name="Before the rename", slug="renamed")
    post = PostFactory()
    post.tags.add(tag)
    for path in (tag.get_absolute_url(), post.get_absolute_url()):
        warm(server, path)
    Tag.objects.filter(pk=tag.pk).update(name="After the rename")
    every_worker_shows(server, tag.get_absolute_url(), "After the rename")
    every_worker_shows(server, post.get_absolute_url(), "After the rename")


def test_a_tag_given_to_a_published_post_shows_on_every_worker(server, transactional_db):
    tag = Tag.objects.create(name="Given later", slug="given-later")
    PostFactory(title="Already on it").tags.add(tag)
    joining = PostFactory(title="Joins the tag")
    warm(server, tag.get_absolute_url())
    joining.tags.add(tag)  # only the through table changes
    every_worker_shows(server, tag.get_absolute_url(), "Joins the tag")


def listeners() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE application_name = 'page-cache' AND datname = current_database()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def test_a_lost_listener_serves_nothing_stale_and_resumes_by_itself(server, transactional_db):
    post = PostFactory()
    path = post.get_absolute_url()
    warm(server, path)
    killed = listeners()
    assert len(killed) >= WORKERS

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [killed])
    until(lambda: not set(killed) & set(listeners()), "the listeners' backends to end")
    time.sleep(0.1)  # the workers notice the closed connection (the heartbeat: within 1 s)
    post.title = "Changed while nobody listened"
    post.save()
    reader = Reader(server.url)
    for _ in range(3 * WORKERS):
        assert "Changed while nobody listened" in reader.get(path).text

    until(lambda: len(set(listeners()) - set(killed)) >= WORKERS, "the workers to listen again")
    warm(server, path)  # from their caches again
    post.title = "Changed once they listened again"
    post.save()
    every_worker_shows(server, path, "Changed once they listened again")


def test_two_hosts_on_one_postgresql_see_each_others_changes(server, second_host, transactional_db):
    post = PostFactory()
    path = post.get_absolute_url()
    for host in (server, second_host):
        warm(host, path)
    comment = CommentFactory(post=post, status="pending", body="Approved on one host.")

    Comment.objects.filter(pk=comment.pk).update(status="approved")
    for host in (server, second_host):
        every_worker_shows(host, path, "Approved on one host.")
