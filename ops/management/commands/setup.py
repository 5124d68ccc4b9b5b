"""`manage.py setup`: everything a database needs before the site can serve from it.

The Makefile (`make run`, `make test`), the benchmark and the tests' own databases all set up
through this one command, so the sequence is written once. Safe to run on every start: each
step keeps what is already there.
"""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import OperationalError, connection


class Command(BaseCommand):
    help = (
        "Set the site up: migrate, createcachetable, load_posts fixtures/posts and (unless "
        "--no-static) collectstatic. When the database cannot be used, says why in one line."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-static", action="store_true", help="Skip collectstatic (tests need no files)."
        )

    def handle(self, *, no_static, verbosity, **options):
        problem = database_problem()
        if problem:
            self.stderr.write(problem)
            raise SystemExit(1)
        call_command("migrate", interactive=False, verbosity=verbosity)
        call_command("createcachetable", verbosity=verbosity)
        call_command("load_posts", settings.BASE_DIR / "fixtures" / "posts", verbosity=verbosity)
        if not no_static:
            call_command("collectstatic", interactive=False, verbosity=max(verbosity - 1, 0))


def database_problem() -> str | None:
    """None when the default database answers; otherwise one line for a person saying which
    server and database, and what went wrong: unreachable, password refused, or no such
    database. Never the password."""
    try:
        connection.ensure_connection()
    except OperationalError as error:
        return describe(error)
    return None


def describe(error: OperationalError) -> str:
    params = connection.get_connection_params()  # what psycopg was given, socket folder included
    host, port = params.get("host") or "localhost", params.get("port") or 5432
    name, user = params.get("dbname"), params.get("user") or "postgres"
    server = f"the socket in {host}" if host.startswith("/") else f"{host}:{port}"
    text = str(error)
    if not os.environ.get("DATABASE_URL"):  # as config/settings.py decides
        return (
            f"The embedded PostgreSQL ({server}) does not answer ({first_line(text)}): "
            "`make db-start` starts it."
        )
    if "password authentication failed" in text or "no password supplied" in text:
        return f"DATABASE_URL: the server at {server} refused the password of user {user!r}."
    if f'database "{name}" does not exist' in text:
        return f"DATABASE_URL: the server at {server} has no database {name!r}."
    return f"DATABASE_URL: cannot reach the database server at {server} ({first_line(text)})."


def first_line(text: str) -> str:
    """libpq's reason, without what it says about the server again: "Connection refused"."""
    line = text.strip().splitlines()[0] if text.strip() else "no reason given"
    return line.rsplit(" failed: ", 1)[-1]
