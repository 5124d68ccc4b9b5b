"""Two app servers on one PostgreSQL and one Redis, as two hosts behind a load balancer: what one
of them counts, stores or changes, the other one sees.

Each host is its own gunicorn with REDIS_URL set (the Redis started for these tests); each
test's reader has a loopback address of its own, so the per-address limits do not mix.
"""

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.support.comments import form_data
from tests.support.factories import PASSWORD, PostFactory
from tests.support.forms import find_form
from tests.support.servers import gunicorn
from tests.support.web import Reader, until


@pytest.fixture(scope="module")
def hosts(django_db_setup, django_db_blocker, redis_url):
    env = {"REDIS_URL": redis_url}
    with (
        django_db_blocker.unblock(),
        gunicorn(workers=2, env=env) as first,
        gunicorn(workers=2, env=env) as second,
    ):
        yield first.url, second.url


def test_flood_limit_counts_comments_sent_through_either_host(hosts, transactional_db):
    post = PostFactory()
    path = reverse("comments:post-comment", kwargs={"slug": post.slug})
    readers = [Reader(url, address="127.0.1.1") for url in hosts]

    statuses = [
        readers[number % 2].post(path, form_data(post, body=f"Comment {number}")).status
        for number in range(settings.COMMENTS_FLOOD_LIMIT + 2)
    ]

    assert statuses == [303] * settings.COMMENTS_FLOOD_LIMIT + [429, 429]


def test_login_throttle_counts_failures_on_either_host(hosts, transactional_db, editor):
    readers = [Reader(url, address="127.0.1.2") for url in hosts]

    statuses = [
        readers[attempt % 2].log_in("editor", "wrong").status
        for attempt in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert readers[0].log_in("editor", PASSWORD).status == 429
    assert readers[1].log_in("editor", PASSWORD).status == 429


def test_a_session_started_on_one_host_is_good_on_the_other(
    hosts, transactional_db, redis_url, editor
):
    first = Reader(hosts[0], address="127.0.1.3")
    assert first.log_in("editor", PASSWORD).status == 302
    session_key = first.cookies[settings.SESSION_COOKIE_NAME]
    second = Reader(hosts[1], address="127.0.1.3")
    second.cookies = dict(first.cookies)

    assert second.get(reverse("admin:index")).status == 200
    # Kept in the shared Redis, and written through to PostgreSQL.
    assert redis.Redis.from_url(redis_url).keys(f"*{session_key}")
    assert Session.objects.filter(session_key=session_key).exists()


def test_a_post_edited_through_one_host_shows_changed_on_both(hosts, transactional_db, editor):
    """Both hosts have the post page's fragments cached when the editor changes the title."""
    post = PostFactory(title="The title before")
    browser = Reader(hosts[0], address="127.0.1.4")
    readers = [Reader(url, address="127.0.1.5") for url in hosts]
    for reader in readers:
        assert "The title before" in reader.get(post.get_absolute_url()).text

    assert browser.log_in("editor", PASSWORD).status == 302
    change = reverse("admin:blog_post_change", args=[post.pk])
    form = find_form(browser.get(change).text, change, page_url=change)
    form.fields["title"] = "The title after"
    assert browser.post(form.action, form.fields).status == 302

    # Each worker's page cache is emptied by PostgreSQL's NOTIFY, asynchronously: up to 500 ms.
    for reader in readers:
        until(
            lambda reader=reader: "The title after" in reader.get(post.get_absolute_url()).text,
            "the new title on both hosts",
            seconds=0.5,
        )
        assert "The title before" not in reader.get(post.get_absolute_url()).text
