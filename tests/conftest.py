import pytest
from django.core.cache import caches


@pytest.fixture
def post(db):
    from tests.factories import PostFactory

    return PostFactory()


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
