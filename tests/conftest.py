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
