"""What a release is: the code and templates of the project's own apps, the package that wires
them together, the template folders and the static files' hashed names. A deploy that changes
any of it changes every page's version, so no reader keeps a page built by the previous
release."""

import hashlib
from functools import cache
from importlib import import_module
from pathlib import Path

from django.conf import settings

from ops.site_apps import site_apps

RELEASE_SUFFIXES = {".py", ".html", ".txt"}


def release_folders() -> list[Path]:
    """Every site app (SiteAppConfig), the package that wires them together (ROOT_URLCONF's:
    settings, URLs, gunicorn's config) and the TEMPLATES folders."""
    wiring = Path(import_module(settings.ROOT_URLCONF).__file__).parent
    template_folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    return [Path(app.path) for app in site_apps()] + [wiring, *template_folders]


@cache
def release() -> str:
    """A digest of the release this process runs, computed once per process."""
    digest = hashlib.blake2b(digest_size=8)
    for folder in release_folders():
        for path in sorted(folder.rglob("*")):
            if path.suffix in RELEASE_SUFFIXES:
                digest.update(path.read_bytes())
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()
