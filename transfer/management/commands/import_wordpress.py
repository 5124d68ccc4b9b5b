from transfer import wordpress
from transfer.commands import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the posts and comments of a WordPress export (Tools → Export, WXR). Running it "
        "again imports only what is new; --dry-run prints the report and writes nothing."
    )
    source_name = "WordPress"

    def read(self, path, progress):
        return wordpress.Export(path, progress)

    def write(self, export, report, progress):
        wordpress.import_export(export, report, progress)
