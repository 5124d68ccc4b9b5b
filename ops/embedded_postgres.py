"""The embedded PostgreSQL server used when no DATABASE_URL is given.

The `pgserver` package ships real PostgreSQL binaries, so a fresh machine needs no root and no
system service. The server's data lives in `.data/postgres` inside the project and it listens on a
Unix socket only, so several checkouts on one machine never fight over a port.

    python -m ops.embedded_postgres start   # idempotent: reuses the data and a running server
    python -m ops.embedded_postgres stop
"""

import os
import sys
import warnings
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DJANGO_DATA_DIR", PROJECT_DIR / ".data"))
PGDATA = DATA_DIR / "postgres"
DATABASE_NAME = "blog"  # also spelled out in start()'s SQL


def socket_dir() -> Path:
    """Where the running server put its socket (pgserver falls back elsewhere on long paths)."""
    try:
        lines = (PGDATA / "postmaster.pid").read_text().splitlines()
        return Path(lines[4])
    except (OSError, IndexError):
        return PGDATA


def database_url() -> str:
    return f"postgresql://postgres@/{DATABASE_NAME}?host={socket_dir()}"


def _pgserver():
    # pgserver keeps its lock file in the user's runtime dir; without one it falls back to /tmp
    # and says so on every start, which is noise for us.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
    import pgserver

    return pgserver


def start() -> None:
    pgserver = _pgserver()

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process; `stop` ends it.
    server = pgserver.get_server(PGDATA, cleanup_mode=None)
    exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'blog';")
    if "(1 row)" not in exists:
        server.psql("CREATE DATABASE blog;")
    print(f"Embedded PostgreSQL ready at {database_url()}")


def stop(report=print) -> None:
    pgserver = _pgserver()

    if not (PGDATA / "postmaster.pid").exists():
        return
    # pgserver runs PostgreSQL as its own system user when started by root.
    user = "pgserver" if os.geteuid() == 0 else None
    pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=user)
    report("Embedded PostgreSQL stopped")


if __name__ == "__main__":
    commands = {"start": start, "stop": stop}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit("usage: python -m ops.embedded_postgres start|stop")
    commands[sys.argv[1]]()
