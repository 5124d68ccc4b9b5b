"""Servers of their own for the reliability tests: a PostgreSQL the tests may stop, and Redis.

Nothing here touches the shared PostgreSQL that the rest of the suite uses.
"""

import os
import shutil
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.urls import reverse

from blog.management.commands.load_posts import parse_post_file
from tests.support.servers import PROJECT_DIR, free_port, manage

# The guide, which the site's set-up loads: the post these tests read and comment on.
GUIDE_SLUG = parse_post_file(next(Path(PROJECT_DIR, "fixtures", "posts").glob("*.md")))["slug"]


@dataclass
class OwnPostgres:
    """An embedded PostgreSQL in a temporary folder, set up as the site's set-up does: its
    tables and the guide, which the tests read (`guide_path`) and comment on (`comment_path`)."""

    server: object  # pgserver.PostgresServer
    guide_path: str = reverse("blog:post-detail", kwargs={"slug": GUIDE_SLUG})
    comment_path: str = reverse("comments:post-comment", kwargs={"slug": GUIDE_SLUG})

    def url(self, database: str = "blog") -> str:
        return self.server.get_uri(database=database)

    def stop(self) -> None:
        from pgserver import pg_ctl

        pg_ctl(
            ["-w", "-m", "fast", "stop"], pgdata=self.server.pgdata, user=self.server.system_user
        )

    def start(self) -> None:
        self.server.ensure_postgres_running()

    def manage(self, *args: str, env: dict | None = None) -> None:
        """Run a management command in its own process against this server's database."""
        manage(*args, env={**os.environ, "DATABASE_URL": self.url(), **(env or {})})


@pytest.fixture(scope="module")
def postgres_folder():
    """A folder for PostgreSQL's data, outside pytest's temporary folders: every pytest run makes
    those private to root, which locks out PostgreSQL's own user while the server runs."""
    with tempfile.TemporaryDirectory(prefix="blog-tests-postgres-") as folder:
        yield Path(folder)


@pytest.fixture(scope="module")
def own_postgres(postgres_folder):
    with warnings.catch_warnings():
        # pgserver wants XDG_RUNTIME_DIR for its lock file and says so; /tmp does as well.
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(postgres_folder / "primary", "delete")
    own = OwnPostgres(server)
    server.psql("CREATE DATABASE blog;")
    own.manage("setup", "--no-static")
    yield own
    own.start()  # a failed test may have left it stopped; cleanup stops it and deletes the data
    server.cleanup()


class OwnRedis:
    """Debian's redis-server on a free loopback port, keeping nothing on disk."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            pytest.fail("redis-server is not installed: `make test` installs it (as root).")
        self.process = subprocess.Popen(  # noqa: S603 (Debian's redis-server, fixed arguments)
            [
                executable,
                "--bind", "127.0.0.1",
                "--port", str(self.port),
                "--dir", str(self.folder),
                "--save", "",
                "--appendonly", "no",
            ],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of one test's own, which it may stop and start."""
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = OwnRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server.url
    server.stop()
