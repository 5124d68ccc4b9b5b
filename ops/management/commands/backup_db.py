"""Write a consistent dump of the database to a timestamped file, and the uploads beside it."""

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from ops import media_archive, postgres
from ops.progress import Progress


class Command(BaseCommand):
    help = (
        "Dump the database (pg_dump, custom format) to BACKUP_DIR/<database>-<UTC time>.dump. "
        "pg_dump reads one snapshot, so the dump is consistent while the site keeps serving. "
        "The uploaded files (MEDIA_ROOT) go beside it, in <same name>.media.tar.gz."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", type=Path, default=None, help="Folder for the dump (BACKUP_DIR)."
        )
        parser.add_argument(
            "--no-media", action="store_true", help="Dump the database only, not the uploads."
        )

    def handle(self, *args, output_dir, no_media, verbosity, **options):
        folder = output_dir or Path(settings.BACKUP_DIR)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%SZ")
        path = folder / f"{connection.settings_dict['NAME']}-{stamp}.dump"
        # Written under a temporary name, so a dump cut short never looks like a backup, and
        # readable by its owner only: it holds commenters' addresses and password hashes.
        partial = path.with_suffix(".dump.partial")
        partial.touch(mode=0o600, exist_ok=False)
        try:
            postgres.run(
                "pg_dump",
                "--format=custom",
                f"--file={partial}",
                progress=Progress.for_command(self, verbosity),
                total=len(connection.introspection.table_names()),
            )
        except BaseException:  # a failure or Ctrl-C: no partial dump left behind
            partial.unlink()
            raise
        partial.rename(path)
        self.stdout.write(str(path))
        media = media_archive.archive_for(path)
        if not no_media and media_archive.write(Path(settings.MEDIA_ROOT), media):
            self.stdout.write(str(media))
