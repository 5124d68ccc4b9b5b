"""Watching the page cache (ops/page_cache/) in real gunicorn workers: the servers tests start
with PAGE_CACHE_WORKER_HEADER on name, in `X-Page-Cache`, which worker answered and how."""

import time

from tests.support.web import Reader, Response

# What a server under these tests needs: the header naming the worker.
WORKER_HEADER_ENV = {"PAGE_CACHE_WORKER_HEADER": "1"}


def answered_by(response: Response) -> tuple[str, int]:
    """("hit", "miss" or "pass", the worker's pid)."""
    outcome, pid, _emptied = response.headers["X-Page-Cache"].split("; ")
    return outcome, int(pid.removeprefix("pid="))


def until_every_worker(server, path: str, condition, what: str, seconds: float = 30) -> None:
    """Request `path` (new connections, as readers do) until every worker of `server` has
    answered it with a response for which `condition(response)` holds."""
    workers = server.worker_pids()
    seen = set()
    deadline = time.monotonic() + seconds
    reader = Reader(server.url, timeout=5)
    while seen != workers:
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for every worker to {what}: {seen}/{workers}")
        response = reader.get(path)
        if condition(response):
            seen.add(answered_by(response)[1])
        workers = server.worker_pids()


def warm(server, path: str) -> None:
    """Until every worker answers `path` from its cache."""
    until_every_worker(server, path, lambda r: answered_by(r)[0] == "hit", "hold " + path)


def every_worker_shows(server, path: str, text: str, within: float = 0.5) -> None:
    """After a change: every worker shows `text` on `path`; no answer later than `within`
    seconds after the call (NOTIFY is asynchronous) may lack it."""
    started = time.monotonic()

    def shows(response):
        if text in response.text:
            return True
        late = time.monotonic() - started
        assert late <= within, (
            f"worker {answered_by(response)} still without {text!r} at {late:.2f} s"
        )
        return False

    until_every_worker(server, path, shows, f"show {text!r} on {path}")
