"""Ban, ModeratorPreference and ModerationDecision leave comments for moderation (moderation
0001): Django's state lets go of them, their tables stay. comments_moderationdecision, copied
into the generic log, is dropped in the next release. The reason becomes structured (a code and
a detail) beside the text column the previous release reads, filled from it once here."""

from django.db import migrations, models, transaction

BATCH = 1000

# The old log stays for one release as it is, but nothing in Django's state knows it any more:
# its foreign keys would stop a flush (and a deleted comment) truncating the tables it names.
DROP_OLD_LOG_KEYS = """
DO $$ DECLARE key record; BEGIN
    FOR key IN SELECT conname FROM pg_constraint
        WHERE conrelid = 'comments_moderationdecision'::regclass AND contype = 'f'
    LOOP
        EXECUTE format('ALTER TABLE comments_moderationdecision DROP CONSTRAINT %I', key.conname);
    END LOOP;
END $$;
"""


def fill_reasons(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                Comment.objects.filter(pk__gt=last)
                .exclude(status_reason="")
                .order_by("pk")
                .only("pk", "status_reason")[:BATCH]
            )
            if not batch:
                return
            for comment in batch:
                code, _, detail = comment.status_reason.partition(": ")
                comment.reason_code = code.strip()[:40]
                comment.reason_detail = detail.strip()[:200]
            Comment.objects.bulk_update(batch, ["reason_code", "reason_detail"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("comments", "0011_ip_address_help_text"),
        ("moderation", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ModerationDecision"),
                migrations.DeleteModel(name="Ban"),
                migrations.DeleteModel(name="ModeratorPreference"),
            ],
            database_operations=[migrations.RunSQL(DROP_OLD_LOG_KEYS, migrations.RunSQL.noop)],
        ),
        migrations.AddField(
            model_name="comment",
            name="reason_code",
            field=models.CharField(blank=True, db_default="", default="", max_length=40),
        ),
        migrations.AddField(
            model_name="comment",
            name="reason_detail",
            field=models.CharField(blank=True, db_default="", default="", max_length=200),
        ),
        migrations.AlterField(
            model_name="comment",
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
        migrations.RunPython(fill_reasons, migrations.RunPython.noop),
    ]
