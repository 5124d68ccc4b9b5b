"""What the import commands share: read the file, write it in one transaction, print the report;
each phase shows its progress on stderr (ops.progress), and Ctrl-C rolls everything back."""

from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from ops.progress import Progress
from transfer.report import Report
from transfer.xmlfile import ImportFileError


@contextmanager
def interrupt_rolls_back():
    """Ctrl-C during an import: one line and exit status 130, no traceback. The transaction, if
    it had begun, rolled back on the way out, so nothing was written."""
    try:
        yield
    except KeyboardInterrupt:
        raise CommandError("Interrupted: nothing was imported.", returncode=130) from None


class ImportCommand(BaseCommand):
    """Subclasses define `read` (the file into a checked export) and `write` (the export into the
    database, counted in a Report); both report their progress."""

    source_name = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export file (XML).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything and print the report, then roll back: nothing is written.",
        )

    def run(self, file, dry_run: bool, progress: Progress) -> Report:
        try:
            export = self.read(file, progress)
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        report = Report(f"{self.source_name} import from {export.source} ({file})")
        report.on_item = progress.item
        try:
            with transaction.atomic():
                self.write(export, report, progress)
                if dry_run:
                    transaction.set_rollback(True)
        except (ImportFileError, DatabaseError) as error:
            raise CommandError(f"{file}: {error}; nothing was imported") from None
        return report

    def read(self, path, progress: Progress):
        raise NotImplementedError

    def write(self, export, report: Report, progress: Progress) -> None:
        raise NotImplementedError

    def handle(self, *args, file, dry_run, verbosity, **options):
        progress = Progress.for_command(self, verbosity)
        with interrupt_rolls_back():
            report = self.run(file, dry_run, progress)
        self.stdout.write(str(report))
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS("Written, all in one transaction."))
