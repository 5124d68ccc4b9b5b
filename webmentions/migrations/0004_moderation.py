"""Webmentions join moderation: a structured reason (code and detail) beside the text column,
a decision count for mailed links, and one vocabulary. The previous release's `removed` meant
two things: a source that took its mention down (the worker wrote why, "the source ...") is
`gone`; one a moderator removed is `rejected`."""

from django.db import migrations, models

SOURCE_GONE = "the source"


def split_removed(apps, schema_editor):
    Webmention = apps.get_model("webmentions", "Webmention")
    removed = Webmention.objects.filter(status="removed")
    removed.filter(status_reason__startswith=SOURCE_GONE).update(status="gone")
    removed.update(status="rejected")
    for mention in Webmention.objects.exclude(status_reason="").only("pk", "status_reason"):
        if mention.status_reason.startswith(SOURCE_GONE):
            code, detail = "gone", mention.status_reason
        else:
            code, _, detail = mention.status_reason.partition(": ")
        Webmention.objects.filter(pk=mention.pk).update(
            reason_code=code.strip(), reason_detail=detail.strip()
        )


def join_removed(apps, schema_editor):
    Webmention = apps.get_model("webmentions", "Webmention")
    Webmention.objects.filter(status__in=["gone", "rejected"]).update(status="removed")


class Migration(migrations.Migration):
    dependencies = [("webmentions", "0003_webmention_status_token")]

    operations = [
        migrations.AddField(
            model_name="webmention",
            name="decision_count",
            field=models.PositiveIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.AddField(
            model_name="webmention",
            name="reason_code",
            field=models.CharField(blank=True, db_default="", default="", max_length=40),
        ),
        migrations.AddField(
            model_name="webmention",
            name="reason_detail",
            field=models.CharField(blank=True, db_default="", default="", max_length=200),
        ),
        migrations.AlterField(
            model_name="webmention",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("spam", "Spam"),
                    ("gone", "Gone"),
                ],
                db_index=True,
                default="pending",
                max_length=10,
            ),
        ),
        migrations.RunPython(split_removed, join_removed),
    ]
