"""Every page carries the security headers: CSP, nosniff, referrer policy, no framing, COOP."""

import pytest
from django.urls import reverse

from tests.support.factories import StaffFactory

pytestmark = pytest.mark.django_db


def content_security_policy(response) -> dict[str, list[str]]:
    """The CSP header as {directive: [sources]}."""
    directives = [part.split() for part in response["Content-Security-Policy"].split(";")]
    return {name: sources for name, *sources in directives if name}


@pytest.fixture(params=["home", "post", "admin", "admin-login", "missing"])
def page_response(request, client, post):
    """A response from each kind of page: public, admin (signed in and not) and a 404."""
    kind = request.param
    if kind == "admin":
        client.force_login(StaffFactory())
    url = {
        "home": reverse("blog:post-list"),
        "post": post.get_absolute_url(),
        "admin": reverse("admin:blog_post_change", args=[post.pk]),
        "admin-login": reverse("admin:login"),
        "missing": "/no-such-page/",
    }[kind]
    response = client.get(url)
    assert response.status_code == (404 if kind == "missing" else 200)
    return response


def test_every_page_has_a_content_security_policy_that_allows_no_inline_script(page_response):
    policy = content_security_policy(page_response)
    assert policy["default-src"] == ["'self'"]
    assert "'self'" in policy["script-src"]
    for unsafe in ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:"]:
        assert unsafe not in policy["script-src"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


def test_every_page_forbids_sniffing_framing_and_sharing_its_window(page_response):
    assert page_response["X-Content-Type-Options"] == "nosniff"
    assert page_response["X-Frame-Options"] == "DENY"
    assert page_response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert page_response["Cross-Origin-Opener-Policy"] == "same-origin"
