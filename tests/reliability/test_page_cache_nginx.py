"""The shipped front proxy (deploy/nginx.conf) in front of a real gunicorn: anonymous pages kept
at most a second, a change on screen within it, readers with cookies never given a shared page,
and nothing a reader sends can choose the host or scheme Django sees."""

import http.client
import re
import time

import pytest
from django.urls import reverse

from ops.local_nginx import front_proxy
from tests.support.factories import PostFactory
from tests.support.servers import gunicorn

SECURE_ENV = {"DJANGO_SECURE": "1", "DJANGO_HSTS_SECONDS": "0"}


@pytest.fixture(scope="module")
def proxy(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        gunicorn(workers=2, env=SECURE_ENV) as server,
        front_proxy(server.url.removeprefix("http://")) as started,
    ):
        yield started


def test_an_anonymous_page_is_kept_a_second_and_a_change_shows_within_it(proxy, transactional_db):
    post = PostFactory()
    path = post.get_absolute_url()
    proxy.get(path)
    status, headers, _ = proxy.get(path)
    assert status == 200
    assert headers["X-Microcache"] == "HIT"

    post.title = "Changed behind the proxy"
    post.save()
    changed = time.monotonic()
    # nginx counts a page's life in whole seconds: "1 s" is until the clock's next second but
    # one, at most 2 s; then one request renders it afresh while the others get the old copy.
    while "Changed behind the proxy" not in proxy.get(path)[2]:
        assert time.monotonic() - changed < 2.5, "the change took more than 2 s to show"
        time.sleep(0.05)


def test_a_reader_with_a_cookie_bypasses_the_microcache(proxy, transactional_db):
    path = PostFactory().get_absolute_url()
    proxy.get(path)
    status, headers, _ = proxy.get(path, headers={"Cookie": "sessionid=abc"})
    assert status == 200
    assert headers["X-Microcache"] == "BYPASS"
    assert "private" in headers["Cache-Control"]
    # ... and their private page was not stored for the next reader.
    _, headers, _ = proxy.get(path)
    assert "public" in headers["Cache-Control"]


def test_a_response_that_sets_a_cookie_is_never_stored(proxy, transactional_db):
    path = reverse("admin:login")
    for _ in range(3):
        status, headers, _ = proxy.get(path)
        assert status == 200
        assert headers["Set-Cookie"]
        assert headers["X-Microcache"] != "HIT"


def test_a_reader_cannot_choose_the_host_or_scheme_django_sees(proxy, transactional_db):
    post = PostFactory()
    path = post.get_absolute_url()
    forged = {"X-Forwarded-Proto": "http", "X-Forwarded-Host": "evil.example"}
    status, _, text = proxy.get(path, headers=forged)
    assert status == 200
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', text).group(1)
    assert canonical == f"https://localhost{path}"


def test_plain_http_is_sent_to_https(proxy):
    connection = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=10)
    connection.request("GET", "/", headers={"Host": "localhost"})
    response = connection.getresponse()
    assert response.status == 301
    assert response.headers["Location"] == "https://localhost/"
