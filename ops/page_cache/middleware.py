"""The page cache's WSGI application, wrapped around Django's (config/wsgi.py): a GET or HEAD
with no cookie and no Authorization, for a view that opted in, answered from this worker's
memory (see the package's docstring, ops/page_cache/__init__.py)."""

import contextvars
import logging
import os
import threading
import time

from django.conf import settings
from django.db import connections
from django.http.request import split_domain_port, validate_host
from django.utils.encoding import escape_uri_path
from django.utils.module_loading import import_string

from ops import form_tokens
from ops.logs import BufferedAccessLog
from ops.page_cache.encodings import accepted_encodings
from ops.page_cache.headers import etag_matches, storable
from ops.page_cache.listener import Listener
from ops.page_cache.placeholders import (
    Rendering,
    fresh_tokens,
    rendering_for_cache,
    split_placeholders,
)
from ops.page_cache.shareable import Shareable, canonical_query, shareable_view_at
from ops.page_cache.store import Entry, Store

logger = logging.getLogger(__package__)  # "ops.page_cache", one logger for the package

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


class PageCache:
    """Wraps a WSGI application; see the package's docstring."""

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
        return self.resolved.remember(path, shareable_view_at)

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
        context.run(rendering_for_cache.set, rendering)
        result = context.run(self.application, environ, capture)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers = captured["status"], captured["headers"]
        parts, sound = split_placeholders(body, rendering)
        if not sound:
            logger.warning(
                "A page held a malformed or unknown form-token marker; answered, not stored: %s",
                environ.get("PATH_INFO", ""),
            )
        if storing and sound and storable(status, headers):
            entry = Entry.build(headers, parts, has_query)
            self.put(key, entry, generation)
            return self.answer(entry, environ, start_response, None, "miss")
        # Not for the store: Django's answer as it is, with fresh tokens.
        if len(parts) > 1:
            body = b"".join(fresh_tokens(parts))
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

    def answer(self, entry: Entry, environ, start_response, started, outcome):
        worker = []
        if self.worker_header:
            worker = [("X-Page-Cache", self.worker_header_value(outcome))]
        if entry.etag is not None and etag_matches(environ.get("HTTP_IF_NONE_MATCH"), entry.etag):
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
        accepted = self.accepted.remember(accept_encoding, accepted_encodings)
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
