"""`Post.public_announced_at` (blog.publication): when `post_became_public` was sent.

Posts already public were announced by the previous release's own receivers (the newsletter,
webmention sending): they are marked, so that nothing is announced twice. A scheduled post is
left unmarked; the previous release queued its newsletter and webmention tasks already, and
they are idempotent.
"""

from django.db import migrations, models
from django.db.models.functions import Now


def mark_public_posts(apps, schema_editor):
    Post = apps.get_model("blog", "Post")
    Post.objects.filter(status="published", published_at__lte=Now()).update(
        public_announced_at=models.F("published_at")
    )


class Migration(migrations.Migration):
    dependencies = [("blog", "0009_tags_series")]

    operations = [
        migrations.AddField(
            model_name="post",
            name="public_announced_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(mark_public_posts, migrations.RunPython.noop),
    ]
