from transfer import disqus
from transfer.commands import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the comments of a Disqus export into the posts their threads were about "
        "(matched by link, then identifier). Running it again imports only what is new; "
        "--dry-run prints the report and writes nothing."
    )
    source_name = "Disqus"

    def read(self, path, progress):
        return disqus.Export(path, progress)

    def write(self, export, report, progress):
        disqus.import_export(export, report, progress)
