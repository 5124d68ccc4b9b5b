"""Real gunicorn processes serving the test database, for browser and multi-process tests."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
from django.conf import settings
from django.db import connection

PROJECT_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_database_url(name: str | None = None) -> str:
    """A URL for the database the test session is using (the test copy, not the real one), or
    for another database `name` on the same server."""
    params = connection.get_connection_params()
    host = params.get("host") or "localhost"
    port = params.get("port") or 5432
    user = params.get("user") or "postgres"
    password = params.get("password") or ""
    name = name or settings.DATABASES["default"]["NAME"]
    if host.startswith("/"):
        return f"postgresql://{user}:{password}@/{name}?host={host}&port={port}"
    return f"postgresql://{user}:{password}@{host}:{port}/{name}"


def wait_until_answering(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback URL built by the tests)
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer means the server is up
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@dataclass
class GunicornServer:
    url: str
    process: subprocess.Popen

    def worker_pids(self) -> set[int]:
        return {worker.pid for worker in psutil.Process(self.process.pid).children()}


@contextmanager
def gunicorn(workers: int = 2, extra_env: dict | None = None):
    """Start `gunicorn` with the project's config on a free loopback port; yield its base URL."""
    with gunicorn_server(workers, extra_env) as server:
        yield server.url


@contextmanager
def gunicorn_server(workers: int = 2, extra_env: dict | None = None, stderr=None):
    """Start `gunicorn` as gunicorn() does; yield the GunicornServer (its URL and master process).

    `extra_env` may set DATABASE_URL to serve another database than the test one; `stderr` (a
    file) receives the server's log. By default the log goes to a file named in the test's
    captured output, so a passing run stays quiet and a failing one says where to look."""
    port = free_port()
    if stderr is None:
        stderr = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed with the server)
            mode="w", prefix=f"gunicorn-{port}-", suffix=".log", delete=False
        )
        print(f"gunicorn on port {port} logs to {stderr.name}")
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        **(extra_env or {}),
    }
    process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--config",
            "config/gunicorn.conf.py",
            "config.wsgi",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=stderr,
        stderr=stderr,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base_url + "/")
        yield GunicornServer(base_url, process)
    finally:
        process.terminate()
        process.wait(timeout=30)
