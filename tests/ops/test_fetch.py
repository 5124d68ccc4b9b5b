"""The safe fetcher (ops/fetch.py): which addresses it refuses before connecting, its limits,
and its one deadline on the whole fetch, against real loopback servers."""

import ipaddress
import os
import subprocess
import sys
import time

import pytest

from ops.fetch import MAX_BYTES, FetchRefused, fetch, refusal
from tests.support.pages import Page, TricklingServer
from tests.support.servers import PROJECT_DIR

# Every spelling of a private, loopback or metadata address the attack review reached
# connect() with, and the classic ones.
REFUSED = [
    "127.0.0.1",
    "10.1.2.3",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",  # noqa: S104 (an address refused, not one listened on)
    "192.0.0.170",
    "198.18.0.1",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b:1::a00:1",  # local-use NAT64
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:808:808::1",  # 6to4, whatever it embeds
    "::127.0.0.1",  # IPv4-compatible
    "::8.8.8.8",  # IPv4-compatible, deprecated whatever it embeds
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:0:127.0.0.1",  # IPv4-translated
    "::ffff:0:a9fe:a9fe",  # IPv4-translated 169.254.169.254
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    "2001:0:7f00:1::",  # Teredo, server 127.0.0.1
    "fec0::1",  # site-local
    "fe80::1",
    "fd00::1",
    "ff02::1",
    "2001:db8::1",
    "100::1",
    "4000::1",  # not (yet) global unicast
]
PUBLIC = ["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946", "64:ff9b::5db8:d822"]


@pytest.mark.parametrize("address", REFUSED)
def test_a_private_address_in_any_spelling_is_refused_before_connecting(address):
    assert refusal(ipaddress.ip_address(address)) is not None
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(FetchRefused, match="not a public address"):
        fetch(f"http://{host}:8000/")


@pytest.mark.parametrize("address", PUBLIC)
def test_a_public_address_is_allowed(address):
    assert refusal(ipaddress.ip_address(address)) is None


def test_fetching_refuses_a_redirect_to_another_loopback_address(other_site):
    """Only the test server's own address and port are allowed: a redirect elsewhere on
    127.0.0.1 is refused as any private address is."""
    other_site.pages["/jump"] = Page("", 302, {"Location": "http://127.0.0.1:9/admin/"})
    with pytest.raises(FetchRefused, match="not a public address"):
        fetch(other_site.url("/jump"))


def test_fetching_refuses_loopback_when_not_allowed(other_site, settings):
    settings.FETCH_ALLOWED_TEST_ADDRESSES = []
    other_site.pages["/reply"] = Page("hello")
    with pytest.raises(FetchRefused, match="not a public address"):
        fetch(other_site.url("/reply"))
    assert other_site.received == []


def test_fetching_cuts_off_a_page_over_one_megabyte(other_site):
    other_site.pages["/huge"] = Page(b"x" * (5 * MAX_BYTES))
    with pytest.raises(FetchRefused, match="cut off"):
        fetch(other_site.url("/huge"))


def test_fetching_follows_at_most_five_redirects(other_site):
    for n in range(7):
        other_site.pages[f"/r{n}"] = Page("", 302, {"Location": f"/r{n + 1}"})
    with pytest.raises(FetchRefused, match="more than 5 redirects"):
        fetch(other_site.url("/r0"))


def test_a_signed_request_is_sent_once_with_its_headers_and_body_and_follows_no_redirect(
    other_site,
):
    other_site.pages["/inbox"] = Page("", 302, {"Location": "/elsewhere"})
    page = fetch(
        other_site.url("/inbox"),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Signature": "sig"},
        body=b"a=1",
        follow_redirects=False,
    )
    assert page.status == 302
    [request] = other_site.received
    assert (request.method, request.form) == ("POST", {"a": "1"})
    assert request.headers["Signature"] == "sig"


@pytest.mark.parametrize(
    ("trickled", "at_once"),
    [("the status line", 0), ("the headers", len("HTTP/1.1 200 OK\r\n")), ("the body", 80)],
)
def test_a_server_trickling_a_byte_at_a_time_is_cut_at_the_deadline(settings, trickled, at_once):
    """A byte every 1.5 s never lets a per-read time-out expire; the one deadline on the whole
    fetch (3 s here) ends it long before the ~5 minutes the answer would take."""
    settings.FETCH_TIMEOUT_SECONDS = 3
    server = TricklingServer(at_once=at_once, pace=1.5)
    settings.FETCH_ALLOWED_TEST_ADDRESSES = [server.address]
    server.start()
    started = time.monotonic()
    try:
        with pytest.raises(FetchRefused, match="took longer than 3 s"):
            fetch(server.url("/slow"))
    finally:
        server.stop()
    assert time.monotonic() - started < 30  # a generous ceiling: the answer takes 5 minutes


def test_the_old_name_of_the_allowed_addresses_setting_still_works_with_a_warning():
    env = {**os.environ, "WEBMENTIONS_ALLOWED_TEST_ADDRESSES": "127.0.0.1:1234"}
    env.pop("FETCH_ALLOWED_TEST_ADDRESSES", None)
    result = subprocess.run(  # noqa: S603 (our own settings, fixed arguments)
        [
            sys.executable,
            "-W",
            "always::FutureWarning",
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.FETCH_ALLOWED_TEST_ADDRESSES)",
        ],
        cwd=PROJECT_DIR,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "['127.0.0.1:1234']" in result.stdout, result.stderr
    assert "WEBMENTIONS_ALLOWED_TEST_ADDRESSES is renamed FETCH_ALLOWED_TEST_ADDRESSES" in (
        result.stderr
    )
