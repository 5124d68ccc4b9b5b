"""A small HTTP client for the real servers these tests start: what a reader's browser does
(cookies, forms), from a loopback address of the test's choice, without following redirects."""

import http.client
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urljoin, urlsplit

from django.urls import reverse


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)


class Reader:
    """One reader: one source address, one cookie jar, one connection at a time."""

    def __init__(self, base_url: str, address: str = "127.0.0.1", timeout: float = 30):
        parts = urlsplit(base_url)
        self.base_url = base_url
        self.host, self.port = parts.hostname, parts.port
        self.address = address
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str]) -> Response:
        body = urlencode(fields)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, body, headers)

    def log_in(self, username: str, password: str) -> int:
        """Send the admin's log-in form; 302 is a success."""
        path = reverse("admin:login")
        form = find_form(self.get(path).text, path, page_url=path)
        form.fields.update(username=username, password=password)
        return self.post(form.action, form.fields).status

    def request(self, method, path, body=None, headers=None) -> Response:
        headers = dict(headers or {})
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


class _FormParser(HTMLParser):
    """The fields a browser would send: checked boxes only, the selected option of a select."""

    def __init__(self, page_url):
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urlsplit(urljoin(self.page_url, attrs.get("action") or ""))
            self.forms.append(Form(action.path + (f"?{action.query}" if action.query else "")))
            return
        if not self.forms:
            return
        fields, name = self.forms[-1].fields, attrs.get("name")
        if tag == "option" and self._select and "selected" in attrs:
            fields[self._select] = attrs.get("value") or ""
        elif not name:
            return
        elif tag == "input":
            kind = attrs.get("type") or "text"
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            fields[name] = attrs.get("value") or ("on" if kind in ("checkbox", "radio") else "")
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""
        elif tag == "select":
            self._select = name
            fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            text = self.forms[-1].fields[self._textarea]
            # As browsers do, drop the newline that may follow <textarea>.
            self.forms[-1].fields[self._textarea] = text + (
                data if text else data.removeprefix("\n")
            )

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def find_form(html: str, action_path: str, page_url: str = "/") -> Form:
    """The form on the page that posts to `action_path`, with its fields as rendered."""
    parser = _FormParser(page_url)
    parser.feed(html)
    for form in parser.forms:
        if urlsplit(form.action).path == action_path:
            return form
    raise AssertionError(f"no form posting to {action_path} on the page")


def until(condition, what: str, seconds: float = 30) -> None:
    """Poll `condition` until it holds; fail, naming `what` was awaited, after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.1)
