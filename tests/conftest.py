"""Fixtures every part of the suite shares: the posts, the users and their signed-in browsers.

Helpers live in tests/support/; test modules import those, never a conftest.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import Client

from blog.models import Post
from tests.support.factories import PostFactory, StaffFactory, UserFactory
from tests.support.mail import IMMINENT, Inbox, MailServer, TaskWorker, task_worker
from tests.support.pages import PageServer
from tests.support.servers import database_url, gunicorn


@pytest.fixture(autouse=True)
def tasks_finished_before_the_flush(request):
    """After a test on committed data, every running task worker finishes what it took before
    the database is flushed: a worker whose task row is deleted under it dies ("Save with
    update_fields did not affect any rows"), and every later test waiting for mail fails. Any
    such test may queue tasks (publishing a post queues its webmentions), not only those that
    read the mail. Requesting `transactional_db` here sets it up first, so it is flushed after
    this fixture's end."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    if transactional:
        request.getfixturevalue("transactional_db")
    yield
    if transactional:
        for worker in TaskWorker.running:
            worker.drain(ahead=IMMINENT)


@pytest.fixture
def post(db):
    """A published post."""
    return PostFactory()


@pytest.fixture
def guide(db):
    """The guide, loaded from fixtures/posts as the site's set-up loads it."""
    call_command("load_posts", "fixtures/posts", verbosity=0)
    return Post.objects.get()


@pytest.fixture
def editor(db):
    """ "editor": a staff superuser, who writes the posts and may do anything in the admin."""
    return StaffFactory(username="editor")


@pytest.fixture
def editor_client(editor):
    """A browser of its own, signed in as `editor`."""
    browser = Client()
    browser.force_login(editor)
    return browser


@pytest.fixture
def moderator(db):
    """ "moderator": staff in the Moderators group, who may moderate comments and nothing else."""
    user = UserFactory(username="moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def moderator_client(moderator):
    """A browser of its own, signed in as `moderator`."""
    browser = Client()
    browser.force_login(moderator)
    return browser


@pytest.fixture(autouse=True)
def no_fragments_from_other_tests():
    """Each test renders its pages afresh: no {% cache %} fragment survives from another test."""
    caches["template_fragments"].clear()


def pytest_collection_modifyitems(items):
    """Give every transactional test a serialized rollback.

    A plain transactional flush lets Django recreate content types and permissions with new
    ids, while the gunicorn processes serving browser tests keep the old ids cached (the admin's
    log entries then fail). Restoring the database as migrations left it keeps every id stable
    and brings back data from migrations, such as the Moderators group.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = "transactional_db" in getattr(item, "fixturenames", ()) or (
            marker is not None and marker.kwargs.get("transaction")
        )
        if transactional and "django_db_serialized_rollback" not in item.fixturenames:
            item.fixturenames.append("django_db_serialized_rollback")


@pytest.fixture(scope="session")
def site_url(django_db_setup, django_db_blocker):
    """Base URL of gunicorn serving the test database for the whole session."""
    with django_db_blocker.unblock(), gunicorn(workers=2) as server:
        yield server.url


@pytest.fixture(scope="session")
def commenting_site_url(django_db_setup, django_db_blocker):
    """Base URL of gunicorn on the test database for tests that send comments from a browser:
    the too-fast rule is off (a browser fills the form faster than any person; the rule has its
    own tests) and one page shows up to 1,000 comments."""
    env = {"COMMENTS_MIN_SUBMIT_SECONDS": "0", "COMMENTS_PER_PAGE": "1000"}
    with django_db_blocker.unblock(), gunicorn(workers=2, env=env) as server:
        yield server.url


@pytest.fixture(scope="session")
def mail_server():
    """A real SMTP server on loopback for the whole session."""
    server = MailServer()
    server.start()
    yield server
    if server.running:
        server.stop()


@pytest.fixture(scope="session")
def other_sites():
    """A real HTTP server on loopback standing for other sites (webmention sources and targets),
    the one loopback address the site's webmention fetcher may reach in the tests."""
    server = PageServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def other_site(other_sites, settings):
    """`other_sites` with no pages of an earlier test, reachable from this process too."""
    other_sites.reset()
    settings.FETCH_ALLOWED_TEST_ADDRESSES = [other_sites.address]
    return other_sites


@pytest.fixture(scope="session")
def mail_worker(commenting_site_url, mail_server, other_sites, django_db_blocker):
    """The real task worker for the whole session, sending through `mail_server`, its links
    pointing at `commenting_site_url`, allowed to fetch from `other_sites`."""
    env = {
        **mail_server.settings(),
        "SITE_URL": commenting_site_url,
        "FETCH_ALLOWED_TEST_ADDRESSES": other_sites.address,
    }
    with django_db_blocker.unblock(), task_worker(env) as worker:
        yield worker


@pytest.fixture
def mail(mail_worker, mail_server, transactional_db):
    """The mail the site sends during one test, through the real worker and SMTP server.
    `mail.drain()` waits for the worker's queue to empty; it is drained at the end too, before
    the database is flushed (a worker holding a transaction would block the flush)."""
    mail_server.messages.clear()
    if not mail_server.running:
        mail_server.start()
    inbox = Inbox(mail_server, mail_worker)
    yield inbox
    if not mail_server.running:
        mail_server.start()
    mail_worker.drain(ahead=IMMINENT)


@pytest.fixture
def empty_database(transactional_db):
    """The URL of a new, empty database on the test server (a restore's target); dropped after."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield database_url(name)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
