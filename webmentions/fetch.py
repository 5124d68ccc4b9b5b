"""Fetching another site's page safely: what every request the worker makes for webmentions
goes through (verifying a source, discovering an endpoint, sending a mention).

The URL's name is resolved once and each address checked before anything connects: private,
loopback, link-local, multicast, reserved and unspecified addresses are refused (the site must
not be a way into the network it runs in). The connection is then made to that vetted address,
never to the name again, so a DNS answer that changes between the check and the connection
(DNS rebinding) changes nothing. A redirect is a new URL checked the same way; at most
MAX_REDIRECTS. A body larger than MAX_BYTES is cut off there and the fetch fails: a mention is
verified from a whole page or not at all. Every socket operation times out after TIMEOUT
seconds, and the whole fetch after TIMEOUT too.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 5
MAX_BYTES = 1024 * 1024
TIMEOUT = 10
REDIRECTS = {301, 302, 303, 307, 308}


class FetchRefused(Exception):
    """The URL, an address it resolves to, a redirect, the size or the time was refused."""


@dataclass
class Page:
    url: str  # after redirects
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        charset = self.headers.get_content_charset() or "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def user_agent() -> str:
    return f"{settings.BLOG_TITLE} webmentions ({settings.SITE_URL})"


def allowed_for_tests(ip, port: int) -> bool:
    """WEBMENTIONS_ALLOWED_TEST_ADDRESSES: "address:port" pairs the tests' own loopback server
    listens on (empty in production). Only that exact address and port pass: a redirect to
    another loopback port, as a hostile page would send, is still refused, which the tests
    prove."""
    return f"{ip}:{port}" in settings.WEBMENTIONS_ALLOWED_TEST_ADDRESSES


def vetted_address(host: str, port: int) -> str:
    """The first address `host` resolves to, if every one it resolves to is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchRefused(f"{host} does not resolve") from error
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    for ip in addresses:
        if not allowed_for_tests(ip, port) and (not ip.is_global or ip.is_multicast):
            raise FetchRefused(f"{host} resolves to {ip}, which is not a public address")
    return str(addresses[0])


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Sends `Host: <name>` but connects to the address vetted for that name."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above over TLS: the certificate is checked against the name, not the address."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch(url: str, *, form: dict | None = None, accept: str = "text/html") -> Page:
    """GET `url` (or POST `form` to it, form-encoded), following redirects; a Page whatever its
    status. Raises FetchRefused."""
    deadline = time.monotonic() + TIMEOUT
    method, body = ("POST", urlencode(form)) if form is not None else ("GET", None)
    for _ in range(MAX_REDIRECTS + 1):
        page = fetch_once(url, method, body, accept, deadline)
        location = page.headers.get("Location")
        if page.status not in REDIRECTS or not location:
            return page
        url = urljoin(url, location)
        if page.status == 303 or (page.status in (301, 302) and method == "POST"):
            method, body = "GET", None
    raise FetchRefused(f"more than {MAX_REDIRECTS} redirects")


def fetch_once(url, method, body, accept, deadline) -> Page:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefused(f"not an http or https URL: {url[:200]}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise FetchRefused(f"bad port in {url[:200]}") from error
    address = vetted_address(parts.hostname, port)
    connection_class = PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, address, timeout=TIMEOUT)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"User-Agent": user_agent(), "Accept": accept}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        content = read_limited(response, deadline)
    except (OSError, http.client.HTTPException) as error:
        raise FetchRefused(f"{type(error).__name__}: {error}") from error
    finally:
        connection.close()
    return Page(url, response.status, response.headers, content)


def read_limited(response, deadline) -> bytes:
    chunks, size = [], 0
    while chunk := response.read(64 * 1024):
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchRefused(f"larger than {MAX_BYTES} bytes: cut off")
        if time.monotonic() > deadline:
            raise FetchRefused(f"took longer than {TIMEOUT} s")
        chunks.append(chunk)
    return b"".join(chunks)
