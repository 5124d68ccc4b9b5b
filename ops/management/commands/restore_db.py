"""Load a dump written by backup_db into an empty database, and the uploads saved beside it."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ops import media_archive, postgres
from ops.progress import Progress


class Command(BaseCommand):
    help = (
        "Restore a backup_db dump into the database (DATABASE_URL), which must exist and be "
        "empty. All or nothing: a failed restore leaves the database empty. The uploads saved "
        "beside it (<same name>.media.tar.gz), if any, are put back into MEDIA_ROOT."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", type=Path, help="A file written by `manage.py backup_db`.")

    def handle(self, *args, dump, verbosity, **options):
        if not dump.is_file():
            raise CommandError(f"No such dump: {dump}")
        media = media_archive.archive_for(dump)
        media_root = Path(settings.MEDIA_ROOT)
        if media.is_file():
            media_archive.check(media, media_root)  # refused before the database is touched
        name = connection.settings_dict["NAME"]
        tables = connection.introspection.table_names()
        if tables:
            raise CommandError(
                f"Database {name!r} already has {len(tables)} tables; restore into an empty "
                "database (create one and point DATABASE_URL at it)."
            )
        connection.close()
        postgres.run(
            "pg_restore",
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            str(dump),
            progress=Progress.for_command(self, verbosity),
            total=postgres.tables_in_dump(dump),
        )
        self.stdout.write(f"Restored {dump} into {name}")
        if media.is_file():
            count = media_archive.extract(media, media_root)
            self.stdout.write(f"Restored {count} uploaded file(s) from {media} into {media_root}")
