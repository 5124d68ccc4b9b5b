"""Real processes for the tests: gunicorn serving the test database, and management commands."""

import json
import os
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
from django.conf import settings
from django.db import connection

from tests.support.web import Reader, until

PROJECT_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(name: str | None = None) -> str:
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


def manage(
    *args: str, env: dict | None = None, check: bool = True, input: str | None = None
) -> subprocess.CompletedProcess:
    """Run `manage.py` in its own process with `env` as its whole environment (this process's by
    default) and `input` on its standard input; its output is captured. With `check`, a failure
    raises, showing that output."""
    result = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=os.environ if env is None else env,
        input=input,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result


@dataclass
class GunicornServer:
    url: str
    process: subprocess.Popen
    log: Path

    def worker_pids(self) -> set[int]:
        return {worker.pid for worker in psutil.Process(self.process.pid).children()}

    def log_records(self) -> list[dict]:
        """Every line the server has logged so far, each one JSON object."""
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@contextmanager
def gunicorn(workers: int = 2, env: dict | None = None, log: Path | None = None):
    """Start gunicorn with the project's config on a free loopback port, serving the test
    database with `env` added to the settings' environment; yield the GunicornServer.

    `env` may set DATABASE_URL to serve another database than the test one. The server's log
    goes to `log`, or else to a file named in the test's captured output, so a passing run stays
    quiet and a failing one says where to look."""
    port = free_port()
    if log is None:
        with tempfile.NamedTemporaryFile(
            prefix=f"gunicorn-{port}-", suffix=".log", delete=False
        ) as file:
            log = Path(file.name)
        print(f"gunicorn on port {port} logs to {log}")
    server_env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        **(env or {}),
    }
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "--config",
                "config/gunicorn.conf.py",
                "config.wsgi",
            ],
            cwd=PROJECT_DIR,
            env=server_env,
            stdout=output,
            stderr=output,
        )
    server = GunicornServer(f"http://127.0.0.1:{port}", process, log)
    try:
        until(lambda: _answers(server), f"gunicorn to answer on port {port} (log: {log})")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def _answers(server: GunicornServer) -> bool:
    if server.process.poll() is not None:
        raise AssertionError(f"gunicorn stopped: {server.log.read_text()[-2000:]}")
    try:
        Reader(server.url, timeout=2).get("/")
    except OSError:
        return False
    return True  # any HTTP answer means the server is up
