"""What the import commands share: read the file, write it in one transaction, print the report."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from transfer.report import Report
from transfer.xmlfile import ImportFileError


class ImportCommand(BaseCommand):
    """Subclasses name the `reader` (a class reading the file) and `writer` (a function writing
    it with a Report)."""

    source_name = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export file (XML).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything and print the report, then roll back: nothing is written.",
        )

    def read(self, path):
        raise NotImplementedError

    def write(self, export, report: Report) -> None:
        raise NotImplementedError

    def handle(self, *args, file, dry_run, **options):
        try:
            export = self.read(file)
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        report = Report(f"{self.source_name} import from {export.source} ({file})")
        try:
            with transaction.atomic():
                self.write(export, report)
                if dry_run:
                    transaction.set_rollback(True)
        except (ImportFileError, DatabaseError) as error:
            raise CommandError(f"{file}: {error}; nothing was imported") from None
        self.stdout.write(str(report))
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS("Written, all in one transaction."))
