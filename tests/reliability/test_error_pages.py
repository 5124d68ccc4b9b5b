"""The 503 page a reader gets while the database is unreachable (ops.views)."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from ops.views import service_unavailable
from tests.support.forms import find_form

COMMENT = {
    "name": "Ada",
    "email": "ada@example.com",
    "body": "Line one <b>not bold</b>\n\nLine & two",
    "honeypot": "",
    "parent": "",
    "token": "signed-token",
}


@pytest.fixture
def comment_path():
    return reverse("comments:post-comment", kwargs={"slug": "a-post"})


def test_the_503_page_is_the_sites_page_and_asks_to_retry():
    """Without the database: these tests have no access to it, so a query would fail them."""
    request = RequestFactory().get(reverse("blog:post-list"))

    response = service_unavailable(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    assertContains(response, settings.BLOG_TITLE, status_code=503)
    assertContains(response, "Please try again in 5 seconds", status_code=503)
    assertNotContains(response, '<form class="comment-form"', status_code=503)


def test_a_refused_comment_comes_back_in_a_form_that_sends_it_again(comment_path):
    request = RequestFactory().post(comment_path, COMMENT)

    response = service_unavailable(request)

    assertContains(response, "has <strong>not</strong> been saved", status_code=503)
    form = find_form(response.content.decode(), comment_path)
    assert form.fields == COMMENT


def test_other_refused_posts_are_not_echoed(comment_path):
    """A log-in's password, say, never comes back in a page."""
    request = RequestFactory().post(reverse("admin:login"), {"password": "secret password"})

    response = service_unavailable(request)

    assertNotContains(response, "secret password", status_code=503)
    assertContains(response, "Back button", status_code=503)
