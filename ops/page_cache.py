"""Whole pages for readers without cookies, answered from each worker's memory before Django runs.

A WSGI wrapper around Django's application (config/wsgi.py). A GET or HEAD that carries no
cookie and no Authorization, for a view that opted in (`shareable(...)`), is looked up by its
key; a hit is answered from memory without building an HttpRequest (304 when If-None-Match
matches the stored ETag), anything else goes to Django. Only a 200 that is
`Cache-Control: public` and sets no cookie is stored. Everything else, and every request with a
cookie, goes through Django as before.

The key is what the page depends on: the host and scheme as Django validates them
(ALLOWED_HOSTS, SECURE_PROXY_SSL_HEADER: a host Django would refuse is never looked up nor
stored), the path, the query and the form tokens' period. A page has one address: a GET or HEAD
of a shareable view whose query is not canonical (the parameters the view reads, each normalised
by the view's own function, in the order the view names them, as the site's own links write
them; any other parameter dropped) is answered 301 to the
canonical one, cookie or not, before anything else, so Django only ever renders canonical pages.

Invalidation: PostgreSQL NOTIFYs the channel PAGE_CACHE_CHANNEL when anything public changes
(blog migration 0005); each worker LISTENs on a connection of its own, in a thread, and empties
its whole cache on a message. Everything rather than per page: a post's change shows on its page,
its neighbours' links, the home pages, the feeds and the sitemap, a comment's on its page and the
feeds; writes are rare next to reads, and a page that had to name what it depends on would be
the one that is wrongly kept. While the listener is not connected (and for up to a second after
the connection is lost: the heartbeat) nothing is served from memory nor stored. A render begun
before a change is not stored after it (a generation number). Nothing outlives the next
scheduled publication (PAGE_CACHE_NEXT_CHANGE, asked again after each message).

Forms on cached pages carry a fresh token per request: while a page is rendered to be stored,
`ops.form_tokens.issue` writes a placeholder (a marker carrying a random nonce of that rendering)
and records the token's scope, and every answer (hit or miss) has it replaced by a token signed
at that moment. Only those markers are replaced: text that looks like one (a comment, a search
query) stays text, and only scopes the page's own forms asked for are ever signed. A page holding
a marker of its rendering that is malformed or unknown is answered as rendered (its sound
markers replaced), logged, and not stored.
"""

import contextlib
import contextvars
import gzip
import logging
import os
import secrets
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

import brotli
import psycopg
from django.conf import settings
from django.db import connections
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, get_resolver
from django.utils.cache import patch_cache_control
from django.utils.encoding import escape_uri_path
from django.utils.module_loading import import_string

from ops import form_tokens
from ops.logs import BufferedAccessLog

logger = logging.getLogger(__name__)

HOP_BY_HOP = {"content-length", "date", "server", "connection"}
# Entries whose key has a query (comment pages, replies) share at most this part of the memory,
# so that no stream of query strings can push the plain pages out.
QUERY_SHARE = 0.25
# How long a thread waits for another one rendering the same page before rendering it itself.
RENDER_WAIT_SECONDS = 5
# How many paths' view look-ups (and Host headers, Accept-Encoding headers) are remembered
# before each memo starts again.
RESOLVED_PATHS = 10_000


class Memo(dict):
    """What was worked out per request header or path, at most RESOLVED_PATHS of them (a flood
    of made-up values empties it rather than growing it). functools.lru_cache would hold them
    for the process, across the settings and URLconf a test changes."""

    def remember(self, key, work_out):
        try:
            return self[key]
        except KeyError:
            pass
        if len(self) >= RESOLVED_PATHS:
            self.clear()
        value = self[key] = work_out(key)
        return value


# --- what a view declares ---------------------------------------------------------------------


def page_number(maximum: int = 1000):
    """A page number parameter: a whole number from 2 to `maximum` (larger ones are `maximum`);
    anything else means the first page and is dropped."""

    def normalise(value: str) -> str | None:
        try:
            number = int(value)
        except ValueError:
            return None
        return str(min(number, maximum)) if number > 1 else None

    return normalise


def object_id(value: str) -> str | None:
    """A positive database id, or nothing."""
    try:
        number = int(value)
    except ValueError:
        return None
    return str(number) if 0 < number < 2**63 else None


@dataclass(frozen=True)
class Shareable:
    params: dict = field(default_factory=dict)


def shareable(view=None, **params):
    """Let the page cache store this view's pages for readers without cookies. `params` names the
    query parameters the view reads, each with its normalising function (page_number(),
    object_id); any other parameter is dropped from the key and from what Django sees.

    Works on a function view, a view class (before as_view()) or a callable object (a Feed)."""

    def mark(target):
        target.page_cache = Shareable(params)
        return target

    return mark(view) if view is not None else mark


# Browsers ask again at every visit (If-None-Match: a 304 from memory costs about what a hit
# does): a page a browser keeps for a minute cannot be taken back, and a reader who just deleted
# a comment or an editor who restored a revision must not see the old page, nor must anyone
# else. Shared caches that read RFC 9213's CDN-Cache-Control may keep it a minute, and serve it
# stale while they fetch the new one. The page cache and nginx's microcache are emptied at once.
SHARED_CACHE_CONTROL = {"public": True, "no_cache": True}
CDN_CACHE_CONTROL = "max-age=60, stale-while-revalidate=600"


def share_with_caches(response):
    """Say that `response` is the same page for every reader without cookies (see above)."""
    patch_cache_control(response, **SHARED_CACHE_CONTROL)
    response.headers.setdefault("CDN-Cache-Control", CDN_CACHE_CONTROL)
    return response


def _shareable_of(view) -> Shareable | None:
    found = getattr(view, "page_cache", None)
    if found is None:
        found = getattr(getattr(view, "view_class", None), "page_cache", None)
    return found if isinstance(found, Shareable) else None


# --- placeholders for form tokens -------------------------------------------------------------

PLACEHOLDER_START, PLACEHOLDER_END = b"__page_cache_token_", b"__"


@dataclass
class Rendering:
    """One rendering of a page to be stored: the nonce its markers carry (unguessable, so that no
    text on the page can spell one), and the scope each marker stands for."""

    nonce: bytes = field(default_factory=lambda: secrets.token_hex(16).encode())
    scopes: dict = field(default_factory=dict)  # marker (bytes) -> scope

    def marker(self, scope: str) -> bytes:
        for marker, known in self.scopes.items():
            if known == scope:
                return marker
        marker = b"%s%s_%d%s" % (PLACEHOLDER_START, self.nonce, len(self.scopes), PLACEHOLDER_END)
        self.scopes[marker] = scope
        return marker


_rendering_for_cache: contextvars.ContextVar[Rendering | None] = contextvars.ContextVar(
    "page_cache_rendering", default=None
)


def token_placeholder(scope: str) -> str | None:
    """While a page is rendered to be stored, the placeholder to write instead of a token of
    `scope` for an anonymous reader (ops.form_tokens.issue asks); otherwise None."""
    rendering = _rendering_for_cache.get()
    if rendering is None:
        return None
    return rendering.marker(scope).decode()


def _split_placeholders(body: bytes, rendering: Rendering) -> tuple[list, bool]:
    """The body as [bytes, scope, bytes, scope, ..., bytes], and whether every marker of this
    rendering in it was sound. A malformed or unknown one stays in the bytes, as text."""
    parts, start, searched, sound = [], 0, 0, True
    opening = PLACEHOLDER_START + rendering.nonce + b"_"
    while (found := body.find(opening, searched)) != -1:
        end = body.find(PLACEHOLDER_END, found + len(opening))
        marker = body[found : end + len(PLACEHOLDER_END)] if end != -1 else None
        scope = rendering.scopes.get(marker)
        if scope is None:
            sound = False
            searched = found + len(opening)
            continue
        parts.append(body[start:found])
        parts.append(scope)
        start = searched = found + len(marker)
    parts.append(body[start:])
    return parts, sound


_tokens_this_second: tuple[int, dict] = (0, {})


def _token(scope: str) -> bytes:
    """A token of `scope` dated this second: signed once a second, not for every answer (signing
    was half of a hit's time). Dated to the second's start, the "too fast" rule may judge a
    reader up to a second more leniently, never less."""
    global _tokens_this_second
    second, tokens = _tokens_this_second
    now = int(time.time())
    if second != now:
        second, tokens = _tokens_this_second = (now, {})
    token = tokens.get(scope)
    if token is None:
        rendered_at = datetime.fromtimestamp(second, tz=UTC)
        token = tokens[scope] = form_tokens.issue(scope, None, rendered_at).encode()
    return token


def _fresh_tokens(parts: list) -> list[bytes]:
    return [part if index % 2 == 0 else _token(part) for index, part in enumerate(parts)]


# --- entries ----------------------------------------------------------------------------------


def _raw_deflate(data: bytes, final: bool) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(
        zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH
    )


GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


@dataclass
class Entry:
    headers: list  # (name, value) without Content-Length
    etag: str | None
    parts: list  # body split at token placeholders
    gzip_parts: list  # each even part raw-deflated, joinable with fresh tokens
    brotli_body: bytes | None  # only for bodies without tokens
    gzip_body: bytes | None
    size: int
    has_query: bool
    # encoding -> (the second its tokens were signed in, or None without tokens; headers; body)
    answers: dict = field(default_factory=dict)

    @classmethod
    def build(cls, headers, parts: list, has_query: bool) -> "Entry":
        body = parts[0]
        etag = next((value for name, value in headers if name.lower() == "etag"), None)
        vary = [value for name, value in headers if name.lower() == "vary"]
        headers = [(n, v) for n, v in headers if n.lower() not in HOP_BY_HOP | {"vary"}]
        headers.append(("Vary", ", ".join([*vary, "Accept-Encoding"])))
        if len(parts) == 1:
            gzip_parts = []
            gzip_body = gzip.compress(body, 6, mtime=0)
            brotli_body = brotli.compress(body, quality=9)
        else:
            last = len(parts) - 1
            gzip_parts = [
                _raw_deflate(part, index == last) if index % 2 == 0 else None
                for index, part in enumerate(parts)
            ]
            gzip_body = brotli_body = None
        plain_size = sum(len(part) for part in parts[::2])
        gzip_size = sum(len(part or b"") for part in gzip_parts)
        size = (
            # With tokens, the answer joined for this second is kept too (answer()).
            plain_size * (2 if gzip_parts else 1)
            + len(gzip_body or b"")
            + len(brotli_body or b"")
            + gzip_size * 2
            + sum(len(n) + len(v) for n, v in headers) * 3
            + 512
        )
        return cls(headers, etag, parts, gzip_parts, brotli_body, gzip_body, size, has_query)

    def answer(self, encoding: str) -> tuple[list, bytes]:
        """(headers, body) in `encoding`. With tokens, joined once a second (the tokens are
        signed once a second: _token) and the same bytes answered until the next."""
        second = int(time.time()) if self.gzip_parts else None
        kept = self.answers.get(encoding)
        if kept is not None and kept[0] == second:
            return kept[1], kept[2]
        body = self.body(encoding)
        headers = list(self.headers)
        if encoding != "identity":
            headers.append(("Content-Encoding", encoding))
        headers.append(("Content-Length", str(len(body))))
        self.answers[encoding] = (second, headers, body)
        return headers, body

    def body(self, encoding: str) -> bytes:
        if encoding == "br":
            return self.brotli_body
        if encoding == "gzip" and self.gzip_body is not None:
            return self.gzip_body
        if len(self.parts) == 1:
            return self.parts[0]
        tokens = _fresh_tokens(self.parts)
        if encoding != "gzip":
            return b"".join(tokens)
        chunks, crc, length = [GZIP_HEADER], 0, 0
        for index, part in enumerate(tokens):
            crc = zlib.crc32(part, crc)
            length += len(part)
            chunks.append(
                self.gzip_parts[index] if index % 2 == 0 else _raw_deflate(part, final=False)
            )
        chunks.append(crc.to_bytes(4, "little") + (length & 0xFFFFFFFF).to_bytes(4, "little"))
        return b"".join(chunks)


class Store:
    """Two LRU lists bounded in bytes: plain pages, and pages with a query (a QUERY_SHARE of
    the bytes at most)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        self.segments = {False: OrderedDict(), True: OrderedDict()}
        self.sizes = {False: 0, True: 0}

    def get(self, key, has_query):
        entries = self.segments[has_query]
        entry = entries.get(key)
        if entry is not None:
            with contextlib.suppress(KeyError):  # emptied meanwhile
                entries.move_to_end(key)
        return entry

    def put(self, key, entry: Entry):
        limit = self.max_bytes * (QUERY_SHARE if entry.has_query else 1 - QUERY_SHARE)
        if entry.size > limit:
            return
        # The caller holds self.lock.
        entries, has_query = self.segments[entry.has_query], entry.has_query
        old = entries.pop(key, None)
        if old is not None:
            self.sizes[has_query] -= old.size
        entries[key] = entry
        self.sizes[has_query] += entry.size
        while self.sizes[has_query] > limit:
            _, evicted = entries.popitem(last=False)
            self.sizes[has_query] -= evicted.size

    @property
    def size(self):
        return self.sizes[False] + self.sizes[True]


# --- the listener -----------------------------------------------------------------------------


def listen_conninfo() -> dict:
    """Where to LISTEN: the default (primary) database, directly (not through a transaction
    pooler: LISTEN lasts as long as the session)."""
    params = connections["default"].get_connection_params()
    keep = {"dbname", "user", "password", "host", "port", "sslmode", "options"}
    return {name: value for name, value in params.items() if name in keep and value}


class Listener(threading.Thread):
    """LISTENs for changes; empties the cache on each, and whenever the connection is lost."""

    HEARTBEAT_SECONDS = 1.0
    RETRY_SECONDS = 0.5

    def __init__(self, cache: "PageCache"):
        super().__init__(name="page-cache-listener", daemon=True)
        self.cache = cache
        self.connection = None
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                self.listen()
            except Exception as error:  # noqa: BLE001 (any failure means: stop serving, retry)
                if self.cache.listening:
                    logger.warning("page cache: not listening (%s); serving from Django", error)
                self.cache.stop_serving()
            finally:
                if self.connection is not None:
                    self.connection.close()
                    self.connection = None
            self.stopping.wait(self.RETRY_SECONDS)

    def listen(self):
        options = {"autocommit": True, "connect_timeout": 5, "application_name": "page-cache"}
        if settings.PAGE_CACHE_LISTEN_URL:
            self.connection = psycopg.connect(settings.PAGE_CACHE_LISTEN_URL, **options)
        else:
            self.connection = psycopg.connect(**listen_conninfo(), **options)
        self.connection.execute(f"LISTEN {self.cache.channel}")
        # Anything committed before LISTEN took effect is in no message: start empty.
        self.cache.changed()
        self.cache.listening = True
        logger.info("page cache: listening on %s", self.cache.channel)
        while not self.stopping.is_set():
            timeout = self.HEARTBEAT_SECONDS
            if self.cache.valid_until is not None:
                timeout = max(0.0, min(timeout, self.cache.valid_until - time.time()))
            changed = False
            for _ in self.connection.notifies(timeout=timeout, stop_after=1):
                changed = True
            if changed:  # one flush for every message already here
                for _ in self.connection.notifies(timeout=0.0):
                    pass
            if changed or self.cache.expired():
                self.cache.changed()
            else:
                self.connection.execute("SELECT 1")  # the heartbeat: a lost connection raises


# --- the WSGI application ---------------------------------------------------------------------


class PageCache:
    """Wraps a WSGI application; see the module's docstring."""

    def __init__(self, application, enabled=None, max_bytes=None):
        self.application = application
        self.enabled = settings.PAGE_CACHE if enabled is None else enabled
        self.store = Store(settings.PAGE_CACHE_MAX_BYTES if max_bytes is None else max_bytes)
        self.channel = settings.PAGE_CACHE_CHANNEL
        self.worker_header = settings.PAGE_CACHE_WORKER_HEADER
        self.generation = 0
        self.emptied_at = 0.0
        self.listening = False
        self.valid_until = None  # the next scheduled change, as a time.time()
        self.quiet_until = 0.0  # no store before then (a replica replaying the change)
        self.listener = None
        self.started = False  # listening in this process (a forked worker starts anew)
        self.resolved = Memo()  # path -> what its view declared, or None
        self.hosts = Memo()  # Host header -> the host as Django validates it, or None
        self.accepted = Memo()  # Accept-Encoding header -> the encodings it accepts
        self.access_log = None  # this process's BufferedAccessLog
        self.rendering: dict = {}  # key -> Event set when its rendering is done
        self.state_lock = threading.Lock()
        # Told at a fork rather than asking os.getpid() on every hit: it is a system call.
        os.register_at_fork(after_in_child=self.forked)

    def forked(self):
        self.started = False
        self.access_log = None  # its thread stayed in the parent

    # Listening

    def start(self):
        """Start listening in this process (gunicorn's post_worker_init, or the first request)."""
        if not self.enabled or self.started:
            return
        with self.state_lock:
            if self.started:
                return
            self.started = True
            self.listening = False
            self.store.clear()
            self.listener = Listener(self)
            self.listener.start()

    def stop(self):
        if self.listener is not None:
            self.listener.stopping.set()
            self.listener.join(timeout=5)
        self.stop_serving()
        self.started = False

    def stop_serving(self):
        self.listening = False
        self.changed(ask_schedule=False)

    def changed(self, ask_schedule=True):
        """Something public changed (or may have): forget every page."""
        with self.store.lock:
            self.generation += 1
            self.store.clear()
            self.emptied_at = time.time()
        if settings.DATABASES.get("replica"):
            # Pages rendered now may read a replica that has not replayed the change yet.
            self.quiet_until = time.monotonic() + settings.DATABASE_REPLICA_PIN_SECONDS
        if ask_schedule:
            self.valid_until = self.next_change()

    def next_change(self) -> float | None:
        path = settings.PAGE_CACHE_NEXT_CHANGE
        if not path:
            return None
        try:
            when = import_string(path)()
        finally:
            connections.close_all()  # this thread's own: none kept open
        if when is None:
            return None
        # Never in the past, should PostgreSQL's clock lag ours: asked again shortly.
        return max(when.timestamp(), time.time() + 0.05)

    def expired(self) -> bool:
        return self.valid_until is not None and time.time() >= self.valid_until

    def serving(self) -> bool:
        return self.listening and not self.expired()

    # Requests

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        path, view = self.shareable_view(environ)
        if view is not None:
            query = environ.get("QUERY_STRING", "")
            canonical = canonical_query(view, query)
            if canonical != query:
                return self.redirect(environ, start_response, path, canonical, started)
        if not self.enabled or view is None:
            return self.application(environ, start_response)
        if not self.started:
            self.start()
        key = self.key(environ, path)
        if key is None:
            return self.application(environ, start_response)
        has_query = bool(key[-2])
        if self.serving():
            entry = self.store.get(key, has_query)
            if entry is not None:
                return self.answer(entry, environ, start_response, started, "hit")
        return self.miss(key, has_query, environ, start_response, started)

    def shareable_view(self, environ) -> tuple[str, Shareable | None]:
        """The path, and what its view declared if it is a GET or HEAD of a shareable view."""
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return "", None
        try:
            path = environ.get("PATH_INFO", "").encode("latin-1").decode()
        except UnicodeError:
            return "", None
        return path, self.view_for(path)

    def key(self, environ, path):
        """The page's key, or None when the request is not the page cache's to answer."""
        if environ.get("HTTP_COOKIE") or "HTTP_AUTHORIZATION" in environ:
            return None
        host = self.validated_host(environ)
        if host is None:
            return None
        scheme = self.scheme(environ)
        query = environ.get("QUERY_STRING", "")
        return (scheme, host, environ.get("SCRIPT_NAME", ""), path, query, form_tokens.period())

    def redirect(self, environ, start_response, path, canonical, started):
        """301 to the page's one address: the parameters its view reads, normalised, in order.
        Relative, so that no Host header a reader sent is written back."""
        location = escape_uri_path(environ.get("SCRIPT_NAME", "") + path)
        if canonical:
            location += f"?{canonical}"
        headers = [
            ("Location", location),
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", "0"),
            ("Cache-Control", "public, max-age=3600"),
        ]
        start_response("301 Moved Permanently", headers)
        self.log(environ, 301, started)
        return []

    def view_for(self, path) -> Shareable | None:
        return self.resolved.remember(path, _shareable_view_at)

    def validated_host(self, environ) -> str | None:
        """HttpRequest.get_host() without the request: None for a host Django would refuse.
        Remembered per Host header: validating it was a tenth of a hit."""
        if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
            host = environ["HTTP_X_FORWARDED_HOST"]
        elif "HTTP_HOST" in environ:
            host = environ["HTTP_HOST"]
        else:
            host = environ["SERVER_NAME"]
            port = str(environ["SERVER_PORT"])
            if port != ("443" if environ.get("wsgi.url_scheme") == "https" else "80"):
                host = f"{host}:{port}"
        return self.hosts.remember(host, self.validate)

    @staticmethod
    def validate(host: str) -> str | None:
        allowed = settings.ALLOWED_HOSTS
        if settings.DEBUG and not allowed:
            allowed = [".localhost", "127.0.0.1", "[::1]"]
        domain, _port = split_domain_port(host)
        if not domain or not validate_host(domain, allowed):
            return None
        return host.lower()

    @staticmethod
    def scheme(environ) -> str:
        """HttpRequest.scheme without the request (SECURE_PROXY_SSL_HEADER)."""
        if settings.SECURE_PROXY_SSL_HEADER:
            header, secure_value = settings.SECURE_PROXY_SSL_HEADER
            value = environ.get(header)
            if value is not None:
                value, *_ = value.split(",", 1)
                return "https" if value.strip() == secure_value else "http"
        return environ.get("wsgi.url_scheme", "http")

    def miss(self, key, has_query, environ, start_response, started):
        """Render through Django; one thread of a worker at a time per page (the others wait
        for it, as nginx's proxy_cache_lock does), so that emptying the cache under load costs
        one rendering per page and worker, not one per thread."""
        storing = environ["REQUEST_METHOD"] == "GET" and self.serving()
        if not storing:
            return self.render(key, has_query, environ, start_response, storing=False)
        with self.state_lock:
            rendering = self.rendering.get(key)
            leading = rendering is None
            if leading:
                rendering = self.rendering[key] = threading.Event()
        if not leading:
            rendering.wait(RENDER_WAIT_SECONDS)
            entry = self.store.get(key, has_query)
            if entry is not None and self.serving():
                return self.answer(entry, environ, start_response, started, "hit")
            return self.render(key, has_query, environ, start_response, storing=True)
        try:
            return self.render(key, has_query, environ, start_response, storing=True)
        finally:
            with self.state_lock:
                self.rendering.pop(key, None)
            rendering.set()

    def render(self, key, has_query, environ, start_response, storing):
        generation = self.generation
        captured = {}

        def capture(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)
            return lambda data: None  # Django never writes through it

        rendering = Rendering()
        context = contextvars.copy_context()
        context.run(_rendering_for_cache.set, rendering)
        result = context.run(self.application, environ, capture)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers = captured["status"], captured["headers"]
        parts, sound = _split_placeholders(body, rendering)
        if not sound:
            logger.warning(
                "A page held a malformed or unknown form-token marker; answered, not stored: %s",
                environ.get("PATH_INFO", ""),
            )
        if storing and sound and self.storable(status, headers):
            entry = Entry.build(headers, parts, has_query)
            self.put(key, entry, generation)
            return self.answer(entry, environ, start_response, None, "miss")
        # Not for the store: Django's answer as it is, with fresh tokens.
        if len(parts) > 1:
            body = b"".join(_fresh_tokens(parts))
            headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        if self.worker_header:
            headers = [*headers, ("X-Page-Cache", self.worker_header_value("pass"))]
        start_response(status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def put(self, key, entry, generation):
        """Store, unless something changed since the page began rendering."""
        with self.store.lock:
            if (
                generation == self.generation
                and self.serving()
                and time.monotonic() >= self.quiet_until
            ):
                self.store.put(key, entry)

    @staticmethod
    def storable(status, headers) -> bool:
        if not status.startswith("200 "):
            return False
        names = {name.lower(): value for name, value in headers}
        if "set-cookie" in names:
            return False
        cache_control = {
            part.strip().split("=")[0] for part in names.get("cache-control", "").lower().split(",")
        }
        # "no-cache" is what browsers are told (SHARED_CACHE_CONTROL): they revalidate, and this
        # store is emptied on every change.
        if "public" not in cache_control or cache_control & {"private", "no-store"}:
            return False
        # A nonce belongs to one response only.
        return "nonce-" not in names.get("content-security-policy", "")

    def answer(self, entry: Entry, environ, start_response, started, outcome):
        worker = []
        if self.worker_header:
            worker = [("X-Page-Cache", self.worker_header_value(outcome))]
        if entry.etag is not None and _etag_matches(environ.get("HTTP_IF_NONE_MATCH"), entry.etag):
            kept = {"cache-control", "etag", "expires", "last-modified", "vary", "x-page-cache"}
            headers = [(n, v) for n, v in entry.headers + worker if n.lower() in kept]
            start_response("304 Not Modified", headers)
            self.log(environ, 304, started)
            return []
        encoding = self.encoding(environ.get("HTTP_ACCEPT_ENCODING", ""), entry)
        headers, body = entry.answer(encoding)
        start_response("200 OK", headers + worker if worker else headers)
        self.log(environ, 200, started)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def worker_header_value(self, outcome: str) -> str:
        """How this worker answered, and when it last emptied its cache (a time.time()): the
        benchmark reads from it when each worker stopped serving what a change made stale."""
        return f"{outcome}; pid={os.getpid()}; emptied={self.emptied_at:.6f}"

    def encoding(self, accept_encoding: str, entry: Entry) -> str:
        """The encoding to answer in, from the encodings accepted (remembered per header)."""
        accepted = self.accepted.remember(accept_encoding, _accepted)
        if "br" in accepted and entry.brotli_body is not None:
            return "br"
        if "gzip" in accepted:
            return "gzip"
        return "identity"

    def log(self, environ, status, started):
        """The access line Django's middleware writes for what reaches it."""
        if started is None:
            return  # a miss: Django logged it
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        if self.access_log is None:
            self.access_log = BufferedAccessLog()  # its thread, in this worker
        self.access_log.log(
            environ["REQUEST_METHOD"],
            environ.get("PATH_INFO", ""),
            status,
            duration_ms,
            environ.get("REMOTE_ADDR"),
        )


def canonical_query(view: Shareable, query_string: str) -> str:
    """The query string the view reads: each parameter it declared, normalised by its own function
    (the last one given counts), in the order the view declared them (Django's {% querystring %}
    keeps a page's parameters in place and adds `page` last); any other parameter dropped."""
    if not query_string:
        return ""
    query = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        if name in view.params:
            query.pop(name, None)
            normalised = view.params[name](value)
            if normalised is not None:
                query[name] = normalised
    return urlencode([(name, query[name]) for name in view.params if name in query])


def _etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison, as Django's get_conditional_response does for GET and HEAD."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in if_none_match.split(","))


def _shareable_view_at(path: str) -> Shareable | None:
    try:
        return _shareable_of(get_resolver().resolve(path).func)
    except Resolver404:
        return None


def _accepted(accept_encoding: str) -> frozenset:
    accepted = set()
    for item in accept_encoding.lower().split(","):
        name, _, parameters = item.strip().partition(";")
        if parameters.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            accepted.add(name.strip())
    return frozenset(accepted)
