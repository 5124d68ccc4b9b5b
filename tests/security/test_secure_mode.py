"""Real gunicorn with DJANGO_SECURE=1, as behind a TLS proxy: HSTS, secure cookies, no version."""

import http.client
import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import reverse

from tests.factories import StaffFactory
from tests.servers import gunicorn

PASSWORD = "correct horse battery staple"
OVER_TLS = {"X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def secure_site(django_db_setup, django_db_blocker):
    # The redirect to https is Django's own (checked by `check --deploy`); off here so that the
    # harness can see the server answer over plain HTTP.
    env = {"DJANGO_SECURE": "1", "DJANGO_SECURE_SSL_REDIRECT": "0"}
    with django_db_blocker.unblock(), gunicorn(workers=1, extra_env=env) as url:
        yield url


def request(site, path, method="GET", headers=None, body=None) -> http.client.HTTPResponse:
    address = urlsplit(site)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def cookie(response, name) -> str:
    return next(c for c in response.headers.get_all("Set-Cookie") if c.startswith(f"{name}="))


def test_server_header_names_no_version(secure_site):
    response = request(secure_site, reverse("admin:login"), headers=OVER_TLS)
    server = response.headers["Server"]
    assert server == "gunicorn"
    assert not re.search(r"\d", server)


def test_pages_over_tls_ask_browsers_to_stay_on_https_for_a_year(secure_site):
    response = request(secure_site, reverse("admin:login"), headers=OVER_TLS)
    assert response.status == 200
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_session_and_csrf_cookies_are_secure_and_hidden_from_scripts(secure_site, transactional_db):
    editor = StaffFactory()
    login_path = reverse("admin:login")
    form = request(secure_site, login_path, headers=OVER_TLS)
    csrf_cookie = cookie(form, "csrftoken")
    csrf_token = csrf_cookie.split(";")[0].split("=", 1)[1]
    response = request(
        secure_site,
        login_path,
        method="POST",
        headers={
            **OVER_TLS,
            "Origin": "https://" + urlsplit(secure_site).netloc,
            "Cookie": f"csrftoken={csrf_token}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=urlencode(
            {"username": editor.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token}
        ),
    )
    assert response.status == 302
    for set_cookie in [csrf_cookie, cookie(response, "sessionid")]:
        attributes = {part.strip().lower() for part in set_cookie.split(";")}
        assert {"secure", "httponly"} <= attributes
