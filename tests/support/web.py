"""The one HTTP client for the real servers tests start: what a reader's browser does (cookies,
forms), from a loopback address of the test's choice, without following redirects."""

import http.client
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from django.urls import reverse

from tests.support.forms import find_form


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def set_cookie(self, name: str) -> str:
        """The raw Set-Cookie header that sets `name`, attributes included."""
        return next(
            header
            for header in self.headers.get_all("Set-Cookie") or []
            if header.startswith(f"{name}=")
        )


class Reader:
    """One reader: one source address, one cookie jar, one connection at a time.

    `headers` go with every request (say, what a TLS proxy in front would add)."""

    def __init__(
        self,
        base_url: str,
        address: str = "127.0.0.1",
        timeout: float = 30,
        headers: dict[str, str] | None = None,
    ):
        parts = urlsplit(base_url)
        self.base_url = base_url
        self.host, self.port = parts.hostname, parts.port
        self.address = address
        self.timeout = timeout
        self.headers = dict(headers or {})
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str]) -> Response:
        body = urlencode(fields, doseq=True)  # a multiple select's list, as a browser
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, body, headers)

    def log_in(self, username: str, password: str) -> Response:
        """Send the admin's log-in form as a browser does; a 302 is a success."""
        path = reverse("admin:login")
        form = find_form(self.get(path).text, path, page_url=path)
        form.fields.update(username=username, password=password)
        return self.post(form.action, form.fields)

    def request(self, method, path, body=None, headers=None) -> Response:
        headers = {**self.headers, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=self.timeout, source_address=(self.address, 0)
        )
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Response(response.status, response.headers, text)


def until(condition, what: str, seconds: float = 30) -> None:
    """Poll `condition` until it holds; fail, naming `what` was awaited, after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.1)
