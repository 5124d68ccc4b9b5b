"""Running PostgreSQL's client programs (pg_dump, pg_restore) against the site's database."""

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from psycopg import conninfo, pq

from ops.progress import Progress

# Everything libpq understands; the rest of Django's connection parameters are psycopg's own.
LIBPQ_KEYWORDS = {option.keyword.decode() for option in pq.Conninfo.get_defaults()}


def program(name: str) -> str:
    """A PostgreSQL client program: from POSTGRES_BIN_DIR, or the ones pgserver ships."""
    if settings.POSTGRES_BIN_DIR:
        return str(Path(settings.POSTGRES_BIN_DIR) / name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pgserver's notice about XDG_RUNTIME_DIR
        from pgserver.postgres_server import POSTGRES_BIN_PATH
    return str(POSTGRES_BIN_PATH / name)


def run(name: str, *args: str, progress: Progress | None = None, total: int | None = None) -> None:
    """Run a client program on the default database, connected exactly as the site connects
    (--dbname is a connection string); the password goes in the environment, never in argv.

    With `progress`, the program runs --verbose and each table it reaches (of `total`) advances a
    bar; its other verbose lines are dropped, its warnings and errors passed on."""
    params = {
        key: value
        for key, value in connection.get_connection_params().items()
        if key in LIBPQ_KEYWORDS and value not in (None, "")
    }
    env = {**os.environ}
    if "password" in params:
        env["PGPASSWORD"] = str(params.pop("password"))
    dbname = conninfo.make_conninfo(**params)
    command = [program(name), f"--dbname={dbname}", *args]
    if progress is None:
        returncode = subprocess.run(command, env=env).returncode  # noqa: S603
    else:
        returncode = _run_verbose([*command, "--verbose"], env, progress, total)
    if returncode:
        raise CommandError(f"{name} failed with exit status {returncode}")


# What pg_dump and pg_restore --verbose say as they reach each table's rows.
REACHED_A_TABLE = re.compile(r": (?:dumping contents of|processing data for) table ")
PASSED_ON = re.compile(r": (?:error|warning|detail|hint):", re.IGNORECASE)


def _run_verbose(command: list[str], env: dict, progress: Progress, total: int | None) -> int:
    with (
        subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as process,  # noqa: S603
        progress.bar(f"{Path(command[0]).name}: tables", total, "tables") as bar,
    ):
        for line in process.stderr:
            if REACHED_A_TABLE.search(line):
                bar.update(1)
            elif PASSED_ON.search(line):
                bar.write(line.rstrip("\n"), file=sys.stderr)
    return process.returncode


def tables_in_dump(dump: Path) -> int | None:
    """How many tables' rows a custom-format dump holds (its table of contents), if it says."""
    listing = subprocess.run(  # noqa: S603
        [program("pg_restore"), "--list", str(dump)], capture_output=True, text=True
    )
    if listing.returncode:
        return None
    return sum(" TABLE DATA " in line for line in listing.stdout.splitlines())
