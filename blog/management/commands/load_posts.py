"""Load Markdown posts from a folder, creating the ones that are not in the database yet.

Each file starts with `Key: value` lines (Title, Slug, Description, Published), then a blank
line, then the Markdown body. A post that already exists is left as the editors made it, so
running this on every start never duplicates a post nor undoes an edit.
"""

from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from blog.models import Post

REQUIRED_HEADERS = {"title", "slug", "description", "published"}


def parse_post_file(path: Path) -> dict:
    header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    fields = {}
    for line in header.splitlines():
        key, separator, value = line.partition(":")
        if not separator:
            raise CommandError(f"{path}: header line without a colon: {line!r}")
        fields[key.strip().lower()] = value.strip()
    missing = REQUIRED_HEADERS - fields.keys()
    if missing:
        raise CommandError(f"{path}: missing header(s): {', '.join(sorted(missing))}")
    return {
        "title": fields["title"],
        "slug": fields["slug"],
        "description": fields["description"],
        "published_at": datetime.fromisoformat(fields["published"]),
        "body": body.strip() + "\n",
    }


class Command(BaseCommand):
    help = "Create the posts in a folder of Markdown files; existing posts are kept as they are."

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", default="fixtures/posts")

    def handle(self, *args, folder, **options):
        files = sorted(Path(folder).glob("*.md"))
        if not files:
            raise CommandError(f"No .md files in {folder}")
        for path in files:
            fields = parse_post_file(path)
            post, created = Post.objects.get_or_create(
                slug=fields.pop("slug"),
                defaults={**fields, "status": Post.Status.PUBLISHED},
            )
            if created:
                # Loading is not an edit: the post was last changed when it was published.
                # (update() writes the time as given; save() would stamp it with now.)
                Post.objects.filter(pk=post.pk).update(updated_at=post.published_at)
            verb = "Created" if created else "Kept existing"
            self.stdout.write(f"{verb} post: {post.title}")
