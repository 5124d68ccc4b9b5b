import json
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from ops.progress import Progress
from transfer import site_export


class Command(BaseCommand):
    help = (
        "Write every post and comment as one JSON document (README: Moving in and out), and copy "
        "the uploaded files into a folder beside it. Commenters' email and IP addresses are "
        "left out unless --with-personal-data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="The JSON file to write; uploads go to <name>-media/ beside it. "
            "Without it, the JSON goes to standard output and the uploads are not copied.",
        )
        parser.add_argument(
            "--with-personal-data",
            action="store_true",
            help="Include commenters' email and IP addresses, user agents and mail choices.",
        )

    def handle(self, *args, output, with_personal_data, verbosity, **options):
        progress = Progress.for_command(self, verbosity)
        folder = None if output is None else output.with_name(f"{output.stem}-media")
        document = site_export.export_site(
            personal_data=with_personal_data, media_folder=folder and folder.name, progress=progress
        )
        text = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
        if output is None:
            self.stdout.write(text)
            if document["media"]["files"]:
                self.stderr.write("Uploaded files not copied: give --output to copy them too.")
            return
        for entry in progress.each(document["media"]["files"], "Copying uploads", "files"):
            target = folder / entry["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(settings.MEDIA_ROOT) / entry["path"], target)
        output.write_text(text + "\n", encoding="utf-8")
        self.stdout.write(
            f"Wrote {len(document['posts'])} posts and {len(document['comments'])} comments to "
            f"{output}, {len(document['media']['files'])} uploaded files to {folder}"
            + (" (with personal data)" if with_personal_data else " (no personal data)")
        )
