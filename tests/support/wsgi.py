"""Calling a WSGI application in the test's own process, as a server would, for what sits in
front of Django's handler (ops/page_cache/)."""

import io
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core import signals
from django.db import close_old_connections


@dataclass
class WsgiResponse:
    status: int
    headers: dict  # lower-cased names; a repeated header's values joined with ", "
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


def environ_for(url: str, method: str = "GET", headers: dict | None = None, **extra) -> dict:
    """The WSGI environ of a request for `url` (a path, or an absolute http(s) URL) with
    `headers` ({"Cookie": ...}) as a server would pass them."""
    parts = urlsplit(url)
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": parts.path.encode().decode("latin-1"),
        "QUERY_STRING": parts.query,
        "SERVER_NAME": parts.hostname or "localhost",
        "SERVER_PORT": str(parts.port or 80),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": parts.netloc or "localhost",
        "wsgi.url_scheme": parts.scheme or "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        **extra,
    }
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    return environ


def call(application, url: str, method: str = "GET", headers: dict | None = None, **extra):
    """Send one request through `application`; the WsgiResponse."""
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, response_headers

    result = application(environ_for(url, method, headers, **extra), start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    joined = {}
    for name, value in answer["headers"]:
        name = name.lower()
        joined[name] = f"{joined[name]}, {value}" if name in joined else value
    return WsgiResponse(int(answer["status"].split()[0]), joined, body)


@contextmanager
def connections_kept():
    """Keep the test's database connection open across requests, as Django's test client does
    (a request's end would otherwise close it, inside the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
