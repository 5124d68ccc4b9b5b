"""`make backup` writes a dump that `make restore` loads into an empty database, identical."""

import os
import re
import subprocess

import psycopg
import pytest

from blog.models import Post
from tests.support.factories import CommentFactory, PostFactory
from tests.support.servers import PROJECT_DIR, database_url

TABLES = ["blog_post", "comments_comment"]


def make(
    target: str, *variables: str, database_url: str, backup_dir
) -> subprocess.CompletedProcess:
    """Run a make target as an operator would, on the given database (the venv is taken as is)."""
    return subprocess.run(  # noqa: S603
        ["make", "--no-print-directory", "-o", ".venv/bin/.installed", target, *variables],  # noqa: S607
        cwd=PROJECT_DIR,
        env={**os.environ, "DATABASE_URL": database_url, "BACKUP_DIR": str(backup_dir)},
        capture_output=True,
        text=True,
    )


def rows(database_url: str, table: str) -> list[tuple]:
    with psycopg.connect(database_url) as db:
        return db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()  # noqa: S608


@pytest.fixture
def posts_and_comments(transactional_db):
    published = PostFactory(title="Déjà vu: «quotes» and emoji 🚀")
    PostFactory(status=Post.Status.DRAFT)
    thread = CommentFactory(post=published, body="First, with *emphasis*.")
    CommentFactory(post=published, parent=thread, body="A reply.")
    CommentFactory(post=published, status="pending", body="Waiting for a moderator.")


def test_backup_restored_into_an_empty_database_has_the_same_posts_and_comments(
    posts_and_comments, empty_database, tmp_path
):
    source = database_url()

    backup = make("backup", database_url=source, backup_dir=tmp_path)
    assert backup.returncode == 0, backup.stderr
    (dump,) = tmp_path.glob("*.dump")
    assert dump.stat().st_mode & 0o077 == 0, "the dump holds personal data: owner only"

    restore = make("restore", f"FILE={dump}", database_url=empty_database, backup_dir=tmp_path)
    assert restore.returncode == 0, restore.stderr
    # In a pipe, each program's progress is plain lines ending with every table reached.
    for said in (backup.stderr, restore.stderr):
        assert re.search(r"^pg_(dump|restore): tables: (\d+) of \2 tables \(100%\)", said, re.M), (
            said
        )
        assert "\r" not in said

    for table in TABLES:
        assert rows(source, table), f"the test wrote no {table} rows"
        assert rows(empty_database, table) == rows(source, table)


def test_restore_refuses_a_database_that_has_tables(posts_and_comments, tmp_path):
    source = database_url()
    assert make("backup", database_url=source, backup_dir=tmp_path).returncode == 0
    (dump,) = tmp_path.glob("*.dump")
    before = rows(source, "comments_comment")

    restore = make("restore", f"FILE={dump}", database_url=source, backup_dir=tmp_path)

    assert restore.returncode != 0
    assert "restore into an empty database" in restore.stderr
    assert rows(source, "comments_comment") == before
