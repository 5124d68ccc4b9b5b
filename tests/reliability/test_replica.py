"""With DATABASE_REPLICA_URL, the public pages read from a streaming replica; writes, the admin
and a reader who has just written read from the primary.

The primary is the tests' own PostgreSQL (conftest.py); the replica is a real hot standby of it
(pg_basebackup), whose replay these tests pause to make it lag.
"""

import shutil

import psycopg
import pytest
from django.urls import reverse

from comments.own_comments import OWN_COMMENTS
from ops.db_routers import PIN_COOKIE
from tests.support.factories import PASSWORD
from tests.support.forms import find_form
from tests.support.servers import gunicorn
from tests.support.web import Reader, until


@pytest.fixture(scope="module")
def replica(own_postgres, postgres_folder):
    """A hot standby of own_postgres, streaming from it; yields a psycopg-style URL."""
    from pgserver import pg_basebackup, pg_ctl
    from pgserver.utils import ensure_prefix_permissions

    folder = postgres_folder / "replica"
    folder.mkdir()
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    user = own_postgres.server.system_user  # PostgreSQL's own user when the tests run as root
    if user:
        ensure_prefix_permissions(folder)
        shutil.chown(folder, user)
        shutil.chown(sockets, user)
    primary = own_postgres.server.get_postmaster_info().socket_dir
    backup = ["-D", str(data), "-R", "--checkpoint=fast", "-d", f"host={primary} user=postgres"]
    pg_basebackup(backup, user=user)
    # Its own socket folder: the primary's socket lock file came along with the copy.
    start = ["-w", "-o", '-h ""', "-o", f"-k {sockets}", "-l", str(folder / "log"), "start"]
    pg_ctl(start, pgdata=data, user=user, timeout=60)
    yield f"postgresql://postgres@/blog?host={sockets}"
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data, user=user)


@pytest.fixture(scope="module")
def replica_site(own_postgres, replica):
    own_postgres.manage(
        "createsuperuser",
        "--noinput",
        "--username=moderator",
        "--email=moderator@example.com",
        env={"DJANGO_SUPERUSER_PASSWORD": PASSWORD},
    )
    env = {
        "DATABASE_URL": own_postgres.url(),
        "DATABASE_REPLICA_URL": replica,
        "COMMENTS_MIN_SUBMIT_SECONDS": "0",
    }
    with gunicorn(workers=2, env=env) as server:
        yield server


@pytest.fixture
def lagging(replica):
    """Pause the replica's replay (it falls behind the primary); resume it afterwards."""
    with psycopg.connect(replica, autocommit=True) as standby:
        standby.execute("SELECT pg_wal_replay_pause()")
        yield
        standby.execute("SELECT pg_wal_replay_resume()")


def test_health_checks_the_primary_and_the_replica(replica_site):
    assert Reader(replica_site.url).get(reverse("ops:health")).status == 200


def comment_from(replica_site, guide, address: str, name: str, body: str) -> Reader:
    """A reader at `address` sends a comment through the guide's form; returns that reader."""
    writer = Reader(replica_site.url, address=address)
    form = find_form(writer.get(guide.guide_path).text, guide.comment_path)
    form.fields.update(name=name, email=f"{name.lower()}@example.com", body=body)
    assert writer.post(form.action, form.fields).status == 303
    return writer


def test_a_reader_who_has_commented_reads_the_primary_others_the_lagging_replica(
    replica_site, own_postgres, lagging
):
    body = "Written to the primary while the replica lags."
    writer = comment_from(replica_site, own_postgres, "127.0.2.1", "Edsger", body)

    # The writer's next page comes from the primary: their comment awaits moderation there.
    assert PIN_COOKIE in writer.cookies
    assert body in writer.get(own_postgres.guide_path).text
    # The same browser without the pin reads the replica, which has not replayed it yet.
    unpinned = Reader(replica_site.url, address="127.0.2.1")
    unpinned.cookies = {OWN_COMMENTS.name: writer.cookies[OWN_COMMENTS.name]}
    from_replica = unpinned.get(own_postgres.guide_path)
    assert from_replica.status == 200
    assert "Comments (0)" in from_replica.text, "the guide's page, as the replica has it"
    assert body not in from_replica.text

    moderator = Reader(replica_site.url, address="127.0.2.2")
    assert moderator.log_in("moderator", PASSWORD).status == 302
    changelist = reverse("admin:comments_comment_changelist")
    assert body in moderator.get(changelist).text, "moderation reads the primary"


def test_the_replica_serves_the_comment_once_it_has_replayed_it(
    replica_site, own_postgres, replica
):
    body = "Replayed by the replica in a moment."
    writer = comment_from(replica_site, own_postgres, "127.0.2.3", "Barbara", body)

    unpinned = Reader(replica_site.url, address="127.0.2.3")
    unpinned.cookies = {OWN_COMMENTS.name: writer.cookies[OWN_COMMENTS.name]}
    until(
        lambda: body in unpinned.get(own_postgres.guide_path).text,
        "the replica to replay the comment",
    )
