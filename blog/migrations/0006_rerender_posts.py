"""Re-render every post once: highlighting, maths, footnotes and image sizes change what is
stored (manage.py rerender_posts does the same at any time). Each post also gets its first
revision, its text as it stands, so there is always a revision to go back to."""

from django.db import migrations

from blog.markdown import rendered_fields


def rerender_posts(apps, schema_editor):
    Post = apps.get_model("blog", "Post")
    HistoricalPost = apps.get_model("blog", "HistoricalPost")
    for post in Post.objects.all():
        Post.objects.filter(pk=post.pk).update(**rendered_fields(post.body))
        if not HistoricalPost.objects.filter(id=post.pk).exists():
            HistoricalPost.objects.create(
                id=post.pk,
                title=post.title,
                slug=post.slug,
                description=post.description,
                body=post.body,
                status=post.status,
                published_at=post.published_at,
                author_id=post.author_id,
                history_date=post.updated_at,
                history_type="+",
                history_change_reason="The text before revisions were kept",
            )


class Migration(migrations.Migration):
    dependencies = [("blog", "0005_history_share_secret")]

    operations = [migrations.RunPython(rerender_posts, migrations.RunPython.noop)]
