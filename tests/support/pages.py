"""A real HTTP server on loopback serving the pages a test gives it: other sites, for the
webmention tests (sources that mention a post, targets with an endpoint).

`PageServer.pages` maps a path to a `Page`; anything else is 404. Requests are recorded in
`received` (method, path, form fields, headers), so a test can read what the site sent.
`TricklingServer` is the hostile other site: it answers a byte at a time, slowly.
"""

import contextlib
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from tests.support.servers import free_port


@dataclass
class Page:
    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})


@dataclass
class Request:
    method: str
    path: str
    form: dict[str, str]
    headers: dict[str, str]


class LoopbackServer:
    """A test server on a loopback port of its own."""

    port: int

    @property
    def address(self) -> str:
        """What FETCH_ALLOWED_TEST_ADDRESSES lets the site reach: this server alone."""
        return f"127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"http://{self.address}{path}"


class PageServer(LoopbackServer):
    def __init__(self):
        self.port = free_port()
        self.pages: dict[str, Page] = {}
        self.received: list[Request] = []
        self._server = None

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self, form):
                server.received.append(
                    Request(self.command, self.path, form, dict(self.headers.items()))
                )
                page = server.pages.get(self.path, Page("Not found", 404))
                body = page.body.encode() if isinstance(page.body, str) else page.body
                self.send_response(page.status)
                for name, value in page.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                # The client may stop reading: what a size limit does.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def do_GET(self):  # noqa: N802 (http.server's hook name)
                self.answer({})

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                fields = parse_qs(self.rfile.read(length).decode())
                self.answer({name: values[0] for name, values in fields.items()})

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        self.pages.clear()
        self.received.clear()


TRICKLED_ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 200\r\n\r\n" + b"x" * 200
)


class TricklingServer(LoopbackServer):
    """A loopback HTTP server answering every request with `answer`: `at_once` of its bytes
    straight away, then the rest one byte every `pace` seconds (a slow-read attack, which the
    fetcher's deadline must cut). `holding` counts the connections it is trickling to now."""

    def __init__(self, at_once: int = 0, pace: float = 1.5, answer: bytes = TRICKLED_ANSWER):
        self.at_once, self.pace, self.answer = at_once, pace, answer
        self.holding = 0
        self._stopped = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]

    def start(self) -> None:
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()
        self._listener.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # stopped
            threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection: socket.socket) -> None:
        self.holding += 1
        with connection, contextlib.suppress(OSError):
            connection.settimeout(5)
            request = b""
            while b"\r\n\r\n" not in request:
                request += connection.recv(4096) or b"\r\n\r\n"
            connection.sendall(self.answer[: self.at_once])
            for byte in self.answer[self.at_once :]:
                connection.sendall(bytes([byte]))
                if self._stopped.wait(self.pace):
                    break
        self.holding -= 1
