"""`status_reason` replaces `held_by_rule` ("why this comment has its status"). Added now and
filled from the old column; the old column stays for one release, so that hosts still running
the previous release during a rolling deploy keep working (docs/deploy.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("comments", "0003_mark_post_comments_changed")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="status_reason",
            field=models.CharField(
                "reason",
                max_length=200,
                blank=True,
                default="",
                help_text="Why the comment has its status: the anti-spam rule that filed it as "
                "spam; empty when it simply waited for a moderator.",
            ),
            preserve_default=False,
        ),
        migrations.RunSQL(
            "UPDATE comments_comment SET status_reason = held_by_rule WHERE held_by_rule <> ''",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="comment",
            name="held_by_rule",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AlterField(
            model_name="comment",
            name="email",
            field=models.EmailField(
                help_text="Never shown; only the moderators see it.", max_length=254
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="body",
            field=models.TextField(
                help_text="Plain text. *Emphasis*, `code`, lists and links work too.",
                max_length=5000,
            ),
        ),
    ]
