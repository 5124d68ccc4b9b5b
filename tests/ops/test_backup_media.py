"""Uploads travel with backups: `make backup` archives MEDIA_ROOT beside the dump, `make restore`
puts it back; an archive that would write outside the media folder is refused whole, and a dump
without uploads still restores (ops/media_archive.py)."""

import io
import os
import subprocess
import tarfile

import pytest
from django.core.management.base import CommandError

from ops import media_archive
from tests.support.factories import PostFactory
from tests.support.servers import PROJECT_DIR, database_url


def make(target, *variables, database, backup_dir, media_root):
    return subprocess.run(  # noqa: S603
        ["make", "--no-print-directory", "-o", ".venv/bin/.installed", target, *variables],  # noqa: S607
        cwd=PROJECT_DIR,
        env={
            **os.environ,
            "DATABASE_URL": database,
            "BACKUP_DIR": str(backup_dir),
            "DJANGO_MEDIA_ROOT": str(media_root),
        },
        capture_output=True,
        text=True,
    )


def test_make_backup_then_make_restore_brings_the_image_files_back(empty_database, tmp_path):
    PostFactory(body="![A chart](/media/uploads/chart.png)")
    media, restored_media, backups = tmp_path / "media", tmp_path / "restored", tmp_path / "backups"
    (media / "uploads").mkdir(parents=True)
    (media / "uploads" / "chart.png").write_bytes(b"\x89PNG original")
    (media / "uploads" / "chart-480w.webp").write_bytes(b"RIFF copy")

    backup = make("backup", database=database_url(), backup_dir=backups, media_root=media)
    assert backup.returncode == 0, backup.stderr
    (dump,) = backups.glob("*.dump")
    (archive,) = backups.glob("*.media.tar.gz")
    assert archive.stat().st_mode & 0o077 == 0

    restore = make(
        "restore", f"FILE={dump}", database=empty_database, backup_dir=backups,
        media_root=restored_media,
    )  # fmt: skip
    assert restore.returncode == 0, restore.stderr
    assert (restored_media / "uploads" / "chart.png").read_bytes() == b"\x89PNG original"
    assert (restored_media / "uploads" / "chart-480w.webp").read_bytes() == b"RIFF copy"


def test_a_backup_of_the_database_only_still_restores(empty_database, tmp_path):
    PostFactory(title="Only in the database")
    backups = tmp_path / "backups"
    backup = make(
        "backup", database=database_url(), backup_dir=backups, media_root=tmp_path / "none"
    )
    assert backup.returncode == 0, backup.stderr
    assert list(backups.glob("*.media.tar.gz")) == []
    (dump,) = backups.glob("*.dump")
    restore = make(
        "restore", f"FILE={dump}", database=empty_database, backup_dir=backups,
        media_root=tmp_path / "restored",
    )  # fmt: skip
    assert restore.returncode == 0, restore.stderr


def archive_with(path, build) -> None:
    with tarfile.open(path, "w:gz") as tar:
        build(tar)


def add_file(tar, name, content=b"x"):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    tar.addfile(info, io.BytesIO(content))


def add_link(tar, name, target, kind):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    tar.addfile(info)


@pytest.mark.parametrize(
    "build",
    [
        lambda tar: add_file(tar, "../escaped.txt"),
        lambda tar: add_file(tar, "uploads/../../escaped.txt"),
        lambda tar: add_file(tar, "/srv/absolute.txt"),
        lambda tar: add_link(tar, "uploads/link", "/etc/passwd", tarfile.SYMTYPE),
        lambda tar: add_link(tar, "uploads/hard", "/etc/passwd", tarfile.LNKTYPE),
    ],
    ids=["parent folder", "parent inside a path", "absolute", "symbolic link", "hard link"],
)
def test_an_archive_reaching_outside_the_media_folder_is_refused_whole(tmp_path, build):
    archive, media = tmp_path / "x.media.tar.gz", tmp_path / "media"

    def build_with_a_good_file_first(tar):
        add_file(tar, "uploads/good.png")
        build(tar)

    archive_with(archive, build_with_a_good_file_first)
    with pytest.raises(CommandError):
        media_archive.extract(archive, media)
    assert not (media / "uploads" / "good.png").exists()
    assert not (tmp_path / "escaped.txt").exists()
