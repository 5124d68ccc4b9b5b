"""Write static/css/code.css, the colours of highlighted code (blog/highlighting.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from blog.highlighting import stylesheet

CODE_CSS = Path(settings.BASE_DIR) / "static" / "css" / "code.css"


class Command(BaseCommand):
    help = "Write static/css/code.css from the Pygments styles named in blog/highlighting.py."

    def handle(self, *args, **options):
        CODE_CSS.write_text(stylesheet(), encoding="utf-8")
        self.stdout.write(str(CODE_CSS))
