"""Render every post's Markdown again, after a change to the renderer (blog/markdown.py)."""

from django.core.management.base import BaseCommand

from blog.markdown import rendered_fields
from blog.models import Post
from ops.progress import Progress


class Command(BaseCommand):
    help = (
        "Render every post's stored HTML, text, table of contents and reading time again from "
        "its Markdown. Keeps updated_at and makes no revision: the text has not changed."
    )

    def handle(self, *args, verbosity, **options):
        progress = Progress.for_command(self, verbosity)
        posts = Post.objects.only("pk", "title", "body")
        count = 0
        for post in progress.each(posts.iterator(), "Rendering posts", "posts", posts.count()):
            # update(): save() would stamp updated_at and record a revision of unchanged text.
            Post.objects.filter(pk=post.pk).update(**rendered_fields(post.body))
            count += 1
            progress.item(f"post {post.pk} “{post.title}”: rendered")
        self.stdout.write(f"Rendered {count} post{'s' if count != 1 else ''} again.")
