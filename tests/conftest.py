"""Fixtures every part of the suite shares: the posts, the users and their signed-in browsers.

Helpers live in tests/support/; test modules import those, never a conftest.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client

from blog.models import Post
from tests.support.factories import PostFactory, StaffFactory, UserFactory


@pytest.fixture
def post(db):
    """A published post."""
    return PostFactory()


@pytest.fixture
def guide(db):
    """The guide, loaded from fixtures/posts as the site's set-up loads it."""
    call_command("loadposts", "fixtures/posts", verbosity=0)
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
