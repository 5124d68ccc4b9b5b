"""Fetching another site's page safely: every request the site makes to a stranger's server
goes through here (verifying a webmention's source, discovering an endpoint, sending a mention).

The URL's name is resolved once and each address vetted before anything connects (`refusal`):
an explicit table of the IANA special-purpose ranges, IPv4 and IPv6, and the IPv4 address
embedded in NAT64, 6to4, IPv4-compatible, IPv4-mapped, IPv4-translated and Teredo addresses
(the site must not be a way into the network it runs in). Not `ipaddress.is_global`: it calls
several of these global, and its answers changed between Python patch releases. The
connection is then made to that vetted address, never to the name again, so a DNS answer that
changes between the check and the connection (DNS rebinding) changes nothing. A redirect is a
new URL checked the same way, at most MAX_REDIRECTS; a signed request follows none (its
signature names one URL). A body larger than MAX_BYTES is cut off there and the fetch fails.

One deadline, FETCH_TIMEOUT_SECONDS, bounds the whole fetch with its redirects: each socket
operation (connect, TLS handshake, every send and every receive of the status line, headers and
body) may wait only for the time left, so a server trickling a byte every few seconds is cut
at the deadline like one that never answers. (Name resolution is the system resolver's, with its
own time-outs.)
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
REDIRECTS = {301, 302, 303, 307, 308}

N = ipaddress.ip_network

# The IANA IPv4 Special-Purpose Address Registry (every entry, whether or not it says "globally
# reachable": a fetcher has no business with any of them), and multicast.
IPV4_REFUSED = [
    (N("0.0.0.0/8"), "'this network'"),
    (N("10.0.0.0/8"), "private-use"),
    (N("100.64.0.0/10"), "shared address space (carrier-grade NAT)"),
    (N("127.0.0.0/8"), "loopback"),
    (N("169.254.0.0/16"), "link-local"),
    (N("172.16.0.0/12"), "private-use"),
    (N("192.0.0.0/24"), "IETF protocol assignments"),
    (N("192.0.2.0/24"), "documentation (TEST-NET-1)"),
    (N("192.31.196.0/24"), "AS112"),
    (N("192.52.193.0/24"), "AMT"),
    (N("192.88.99.0/24"), "6to4 relay anycast (deprecated)"),
    (N("192.168.0.0/16"), "private-use"),
    (N("192.175.48.0/24"), "AS112 direct delegation"),
    (N("198.18.0.0/15"), "benchmarking"),
    (N("198.51.100.0/24"), "documentation (TEST-NET-2)"),
    (N("203.0.113.0/24"), "documentation (TEST-NET-3)"),
    (N("224.0.0.0/4"), "multicast"),
    (N("240.0.0.0/4"), "reserved"),
    (N("255.255.255.255/32"), "limited broadcast"),
]

# NAT64's well-known prefix (RFC 6052) reaches the IPv4 Internet from an IPv6-only host: allowed
# when the IPv4 address it embeds is.
NAT64 = N("64:ff9b::/96")

# The IANA IPv6 Special-Purpose Address Registry, and the deprecated ranges it no longer lists.
IPV6_REFUSED = [
    (N("::/128"), "unspecified"),
    (N("::1/128"), "loopback"),
    (N("::/96"), "IPv4-compatible (deprecated)"),
    (N("::ffff:0:0/96"), "IPv4-mapped"),
    (N("::ffff:0:0:0/96"), "IPv4-translated"),
    (N("64:ff9b:1::/48"), "local-use IPv4/IPv6 translation"),
    (N("100::/64"), "discard-only"),
    (N("100:0:0:1::/64"), "dummy prefix"),
    (N("2001::/23"), "IETF protocol assignments (Teredo, benchmarking, ORCHID, ...)"),
    (N("2001:db8::/32"), "documentation"),
    (N("2002::/16"), "6to4"),
    (N("2620:4f:8000::/48"), "AS112 direct delegation"),
    (N("3fff::/20"), "documentation"),
    (N("5f00::/16"), "segment routing (SRv6) SIDs"),
    (N("fc00::/7"), "unique local"),
    (N("fe80::/10"), "link-local"),
    (N("fec0::/10"), "site-local (deprecated)"),
    (N("ff00::/8"), "multicast"),
]
# Global unicast: IANA has allocated nothing outside it for the public Internet.
IPV6_GLOBAL_UNICAST = N("2000::/3")


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


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[tuple[ipaddress.IPv4Address, str]]:
    """The IPv4 addresses an IPv6 address carries, and how."""
    value = int(ip)
    found = []
    if ip in NAT64:
        found.append((ipaddress.IPv4Address(value & 0xFFFFFFFF), "NAT64"))
    if ip.sixtofour is not None:
        found.append((ip.sixtofour, "6to4"))
    if ip.teredo is not None:
        server, client = ip.teredo
        found += [(server, "Teredo server"), (client, "Teredo client")]
    if ip.ipv4_mapped is not None:
        found.append((ip.ipv4_mapped, "IPv4-mapped"))
    if value >> 32 == 0xFFFF0000:  # ::ffff:0:a.b.c.d
        found.append((ipaddress.IPv4Address(value & 0xFFFFFFFF), "IPv4-translated"))
    if value >> 32 == 0 and value > 1:  # ::a.b.c.d
        found.append((ipaddress.IPv4Address(value), "IPv4-compatible"))
    return found


def refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why the site must not connect to `ip`, or None for a public address."""
    if ip.version == 4:
        return next((name for network, name in IPV4_REFUSED if ip in network), None)
    carried = embedded_ipv4(ip)
    for ipv4, how in carried:
        why = refusal(ipv4)
        if why:
            return f"{how} for {ipv4}, {why}"
    if ip in NAT64:
        return None  # a public IPv4 address, through the network's NAT64
    why = next((name for network, name in IPV6_REFUSED if ip in network), None)
    if why is None and ip not in IPV6_GLOBAL_UNICAST:
        why = "outside the global unicast space"
    return why


def allowed_for_tests(ip, port: int) -> bool:
    """FETCH_ALLOWED_TEST_ADDRESSES: "address:port" pairs the tests' own loopback servers listen
    on (empty in production). Only that exact address and port pass: a redirect to another
    loopback port, as a hostile page would send, is still refused, which the tests prove."""
    return f"{ip}:{port}" in settings.FETCH_ALLOWED_TEST_ADDRESSES


def vetted_address(host: str, port: int) -> tuple:
    """(family, socket address) of the first address `host` resolves to, if every one it
    resolves to is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchRefused(f"{host} does not resolve") from error
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        why = refusal(ip)
        if why and not allowed_for_tests(ip, port):
            raise FetchRefused(f"{host} resolves to {ip}, which is not a public address ({why})")
    return infos[0][0], infos[0][4]


class Deadline:
    """What the sockets below share: the monotonic time the whole fetch must end by."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"took longer than {self.seconds:g} s")
        return left


class DeadlineWaits:
    """A socket whose every wait ends at the fetch's deadline, not after a time per call."""

    deadline: Deadline

    def _arm(self):
        self.settimeout(self.deadline.left())

    def recv(self, *args):
        self._arm()
        return super().recv(*args)

    def recv_into(self, *args):
        self._arm()
        return super().recv_into(*args)

    def send(self, *args):
        self._arm()
        return super().send(*args)

    def sendall(self, data, *args):
        view = memoryview(data)
        while view:  # one wait per send, each bounded by the time left
            view = view[self.send(view) :]


class DeadlineSocket(DeadlineWaits, socket.socket):
    """A plain connection with the fetch's deadline."""


class DeadlineSSLSocket(DeadlineWaits, ssl.SSLSocket):
    """The same over TLS (the context's `sslsocket_class`), its handshake included."""

    def do_handshake(self, *args):
        self._arm()
        return super().do_handshake(*args)


def open_socket(family, address, deadline: Deadline) -> DeadlineSocket:
    sock = DeadlineSocket(family, socket.SOCK_STREAM)
    sock.deadline = deadline
    try:
        sock.settimeout(deadline.left())
        sock.connect(address)
    except BaseException:
        sock.close()
        raise
    return sock


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Sends `Host: <name>` but connects to the address vetted for that name."""

    def __init__(self, host, port, family, address, deadline):
        super().__init__(host, port)
        self.family, self.address, self.deadline = family, address, deadline

    def connect(self):
        self.sock = open_socket(self.family, self.address, self.deadline)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above over TLS: the certificate is checked against the name, not the address."""

    def __init__(self, host, port, family, address, deadline):
        context = ssl.create_default_context()
        context.sslsocket_class = DeadlineSSLSocket
        super().__init__(host, port, context=context)
        self.family, self.address, self.deadline = family, address, deadline

    def connect(self):
        sock = open_socket(self.family, self.address, self.deadline)
        tls = self._context.wrap_socket(
            sock, server_hostname=self.host, do_handshake_on_connect=False
        )
        tls.deadline = self.deadline
        tls.do_handshake()
        self.sock = tls


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    form: dict | None = None,
    follow_redirects: bool = True,
    agent: str = "",
) -> Page:
    """Request `url` and return a Page whatever its status; raises FetchRefused.

    `form` is sent form-encoded by POST (or `method`); `body` is sent as it is, with the caller's
    `headers` (Content-Type, a signature, ...). Redirects are followed unless
    `follow_redirects` is off, as it must be for a signed request. `agent` names the part of the
    site asking, in the User-Agent ("webmentions")."""
    if form is not None:
        method = "POST" if method == "GET" else method
        body = urlencode(form).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    who = [settings.BLOG_TITLE, agent, f"({settings.SITE_URL})"]
    headers = {
        "User-Agent": " ".join(part for part in who if part),
        "Accept": "text/html",
        **(headers or {}),
    }
    deadline = Deadline(settings.FETCH_TIMEOUT_SECONDS)
    for _ in range(MAX_REDIRECTS + 1):
        page = fetch_once(url, method, headers, body, deadline)
        location = page.headers.get("Location")
        if not follow_redirects or page.status not in REDIRECTS or not location:
            return page
        url = urljoin(url, location)
        if page.status == 303 or (page.status in (301, 302) and method == "POST"):
            method, body = "GET", None
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    raise FetchRefused(f"more than {MAX_REDIRECTS} redirects")


def fetch_once(url, method, headers, body, deadline: Deadline) -> Page:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchRefused(f"not an http or https URL: {url[:200]}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise FetchRefused(f"bad port in {url[:200]}") from error
    family, address = vetted_address(parts.hostname, port)
    connection_class = PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, family, address, deadline)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        content = read_limited(response)
    except TimeoutError as error:
        raise FetchRefused(f"took longer than {deadline.seconds:g} s") from error
    except (OSError, http.client.HTTPException) as error:
        raise FetchRefused(f"{type(error).__name__}: {error}") from error
    finally:
        connection.close()
    return Page(url, response.status, response.headers, content)


def read_limited(response) -> bytes:
    chunks, size = [], 0
    while chunk := response.read(64 * 1024):
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchRefused(f"larger than {MAX_BYTES} bytes: cut off")
        chunks.append(chunk)
    return b"".join(chunks)
