"""Running PostgreSQL's client programs (pg_dump, pg_restore) against the site's database."""

import os
import subprocess
import warnings
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from psycopg import conninfo, pq

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


def run(name: str, *args: str) -> None:
    """Run a client program on the default database, connected exactly as the site connects
    (--dbname is a connection string); the password goes in the environment, never in argv."""
    params = {
        key: value
        for key, value in connection.get_connection_params().items()
        if key in LIBPQ_KEYWORDS and value not in (None, "")
    }
    env = {**os.environ}
    if "password" in params:
        env["PGPASSWORD"] = str(params.pop("password"))
    dbname = conninfo.make_conninfo(**params)
    try:
        subprocess.run([program(name), f"--dbname={dbname}", *args], env=env, check=True)  # noqa: S603
    except subprocess.CalledProcessError as error:
        raise CommandError(f"{name} failed with exit status {error.returncode}") from error
