import pytest


@pytest.fixture
def post(db):
    from tests.factories import PostFactory

    return PostFactory()
