"""The `held_by_rule` column goes. Reasons written into it alone since 0011 (by a host of the
previous release during the deploy) are copied into `status_reason` first."""

from django.db import migrations

COPY_REASONS = (
    "UPDATE comments_comment SET status_reason = held_by_rule "
    "WHERE status_reason = '' AND held_by_rule <> ''"
)


class Migration(migrations.Migration):
    dependencies = [("comments", "0011_stop_using_held_by_rule")]

    operations = [
        migrations.RunSQL(COPY_REASONS, migrations.RunSQL.noop),
        migrations.RunSQL(
            "ALTER TABLE comments_comment DROP COLUMN held_by_rule",
            "ALTER TABLE comments_comment "
            "ADD COLUMN held_by_rule varchar(200) NOT NULL DEFAULT ''",
        ),
    ]
