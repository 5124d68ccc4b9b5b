"""The uploaded files (MEDIA_ROOT) beside a database dump: written by backup_db, read by restore_db.

The archive is `<dump name without .dump>.media.tar.gz`, next to its dump, so a backup is the
pair and a dump alone (an older backup, or a site with no uploads) still restores by itself.
Reading checks every member before extracting any: only plain files and folders, each landing
inside MEDIA_ROOT; a link, a device, an absolute name or a `..` refuses the whole archive. (The
Python 3.11 of our machines may lack tarfile's `filter="data"`, which would do the same.)
"""

import tarfile
from pathlib import Path

from django.core.management.base import CommandError

SUFFIX = ".media.tar.gz"


def archive_for(dump: Path) -> Path:
    """Where the uploads of `dump` are (or go)."""
    return dump.with_name(dump.name.removesuffix(".dump") + SUFFIX)


def write(media_root: Path, archive: Path) -> bool:
    """Archive every file under `media_root`, owner-readable only; False when there is none."""
    files = (
        sorted(path for path in media_root.rglob("*") if path.is_file())
        if media_root.is_dir()
        else []
    )
    if not files:
        return False
    partial = archive.with_name(archive.name + ".partial")
    partial.touch(mode=0o600, exist_ok=False)
    try:
        with tarfile.open(partial, "w:gz") as tar:
            for path in files:
                tar.add(path, arcname=path.relative_to(media_root).as_posix(), recursive=False)
    except BaseException:
        partial.unlink()
        raise
    partial.rename(archive)
    return True


def _checked_members(tar: tarfile.TarFile, media_root: Path) -> list[tarfile.TarInfo]:
    root = media_root.resolve()
    members = tar.getmembers()
    for member in members:
        name = member.name
        if not (member.isfile() or member.isdir()):
            raise CommandError(f"The uploads archive holds {name!r}, which is not a plain file.")
        target = (root / name).resolve()
        if Path(name).is_absolute() or ".." in Path(name).parts or not target.is_relative_to(root):
            raise CommandError(f"The uploads archive holds {name!r}, outside the media folder.")
    return members


def check(archive: Path, media_root: Path) -> None:
    """Refuse (CommandError) an archive that is unreadable or would write outside media_root."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            _checked_members(tar, media_root)
    except (tarfile.TarError, OSError) as error:
        raise CommandError(f"Cannot read the uploads archive {archive}: {error}") from error


def extract(archive: Path, media_root: Path) -> int:
    """Put the archive's files into media_root (checked first); return how many."""
    media_root.mkdir(parents=True, exist_ok=True)
    count = 0
    with tarfile.open(archive, "r:gz") as tar:
        for member in _checked_members(tar, media_root):
            target = media_root / member.name
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            with source, open(target, "wb") as output:
                while chunk := source.read(1024 * 1024):
                    output.write(chunk)
            count += 1
    return count
