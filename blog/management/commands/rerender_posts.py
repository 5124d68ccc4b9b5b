"""Render every post's Markdown again, after a change to the renderer (blog/markdown.py)."""

from django.core.management.base import BaseCommand

from blog.markdown import rendered_fields
from blog.models import Post


class Command(BaseCommand):
    help = (
        "Render every post's stored HTML, text, table of contents and reading time again from "
        "its Markdown. Keeps updated_at and makes no revision: the text has not changed."
    )

    def handle(self, *args, **options):
        count = 0
        for post in Post.objects.only("pk", "body").iterator():
            # update(): save() would stamp updated_at and record a revision of unchanged text.
            Post.objects.filter(pk=post.pk).update(**rendered_fields(post.body))
            count += 1
        self.stdout.write(f"Rendered {count} post{'s' if count != 1 else ''} again.")
