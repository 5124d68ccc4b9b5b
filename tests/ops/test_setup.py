"""`manage.py setup`: a database it cannot use is said in one plain line (which problem, which
server and database, never the password), with exit status 1 and no traceback."""

import os
import tempfile
import warnings
from pathlib import Path

import pytest

from tests.support.servers import free_port, manage

PASSWORD = "the-right-password"
WRONG_PASSWORD = "not-the-password"


@pytest.fixture(scope="module")
def password_postgres():
    """A PostgreSQL of its own that checks passwords (the embedded one trusts its socket): the
    address of its socket folder. The user postgres has the password PASSWORD."""
    with tempfile.TemporaryDirectory(prefix="blog-tests-setup-") as folder:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pgserver's notice about XDG_RUNTIME_DIR
            import pgserver

            server = pgserver.get_server(Path(folder) / "postgres", cleanup_mode="delete")
        server.psql(f"ALTER ROLE postgres PASSWORD '{PASSWORD}';")
        (server.pgdata / "pg_hba.conf").write_text("local all all scram-sha-256\n")
        server.psql("SELECT pg_reload_conf();")  # the last command that needs no password
        yield server.get_postmaster_info().socket_dir
        server.cleanup()


def setup(database_url: str):
    return manage("setup", "--no-static", env={**os.environ, "DATABASE_URL": database_url},
                  check=False)  # fmt: skip


def said_in_one_line(result) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    return line


def test_a_closed_port_is_one_line_naming_the_server():
    port = free_port()  # nothing listens there

    line = said_in_one_line(setup(f"postgresql://blog:{WRONG_PASSWORD}@127.0.0.1:{port}/blog"))

    assert line == (
        f"DATABASE_URL: cannot reach the database server at 127.0.0.1:{port} (Connection refused)."
    )


def test_a_refused_password_is_one_line_naming_the_user_and_not_the_password(password_postgres):
    url = f"postgresql://postgres:{WRONG_PASSWORD}@/blog?host={password_postgres}"

    line = said_in_one_line(setup(url))

    assert line == (
        f"DATABASE_URL: the server at the socket in {password_postgres} refused the password "
        "of user 'postgres'."
    )


def test_a_missing_database_is_one_line_naming_it(password_postgres):
    url = f"postgresql://postgres:{PASSWORD}@/no_such_blog?host={password_postgres}"

    line = said_in_one_line(setup(url))

    assert line == (
        f"DATABASE_URL: the server at the socket in {password_postgres} has no database "
        "'no_such_blog'."
    )
