"""Real gunicorn with DJANGO_SECURE=1, as behind a TLS proxy: HSTS, secure cookies, no version."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.support.factories import PASSWORD
from tests.support.servers import gunicorn
from tests.support.web import Reader

OVER_TLS = {"X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def secure_site(django_db_setup, django_db_blocker):
    # The redirect to https is Django's own (checked by `check --deploy`); off here so that the
    # harness can see the server answer over plain HTTP.
    env = {"DJANGO_SECURE": "1", "DJANGO_SECURE_SSL_REDIRECT": "0"}
    with django_db_blocker.unblock(), gunicorn(workers=1, env=env) as server:
        yield server.url


def over_tls(site) -> Reader:
    """A browser reaching the site through the TLS proxy, which says so in a header."""
    return Reader(site, headers={**OVER_TLS, "Origin": "https://" + urlsplit(site).netloc})


def test_server_header_names_no_version(secure_site):
    response = over_tls(secure_site).get(reverse("admin:login"))
    assert response.status == 200
    assert response.headers["Server"] == "gunicorn", "no version number"


def test_pages_over_tls_ask_browsers_to_stay_on_https_for_a_year(secure_site):
    response = over_tls(secure_site).get(reverse("admin:login"))
    assert response.status == 200
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_session_and_csrf_cookies_are_secure_and_hidden_from_scripts(
    secure_site, transactional_db, editor
):
    browser = over_tls(secure_site)
    form = browser.get(reverse("admin:login"))
    response = browser.log_in(editor.username, PASSWORD)
    assert response.status == 302
    for set_cookie in [form.set_cookie("csrftoken"), response.set_cookie("sessionid")]:
        attributes = {part.strip().lower() for part in set_cookie.split(";")}
        assert {"secure", "httponly"} <= attributes
