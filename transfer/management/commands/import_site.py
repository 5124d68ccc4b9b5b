import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from ops.progress import Progress
from transfer import site_export
from transfer.commands import interrupt_rolls_back


class Command(BaseCommand):
    help = (
        "Read a document written by export_site into a freshly set-up site (its guide is "
        "replaced), keeping every id; the uploaded files are copied from the folder beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, verbosity, **options):
        progress = Progress.for_command(self, verbosity)
        with interrupt_rolls_back():
            counts = self.run(file, progress)
        self.stdout.write(
            f"Imported {counts['posts']} posts, {counts['tags']} tags, {counts['series']} series, "
            f"{counts['comments']} comments, "
            f"{counts['accounts']} accounts (without passwords), {counts['media']} uploaded files, "
            f"{counts['subscribers']} subscribers to new posts."
        )

    def run(self, file: Path, progress: Progress) -> dict:
        try:
            with progress.reading(file, f"Reading {file.name}") as data:
                document = json.load(data)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file}: not a readable JSON document ({error})") from None
        try:
            return site_export.import_site(document, file.parent, progress)  # its own transaction
        except (site_export.SiteFileError, DatabaseError) as error:
            raise CommandError(f"{file}: {error}; nothing was imported") from None
        except (KeyError, TypeError, ValueError) as error:
            raise CommandError(
                f"{file}: not an export_site document ({error!r}); nothing was imported"
            ) from None
