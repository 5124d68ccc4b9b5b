"""`held_by_rule` (the name `status_reason` had two releases ago) is no longer read or written.
A reason that only it holds is copied into `status_reason`; the column gets a database default
so that this release's inserts, which no longer name it, succeed. The column itself stays one
more release: hosts of the previous release name it in every query during a rolling deploy. The
next release copies again (reasons those hosts wrote meanwhile) and drops it."""

from django.db import migrations

# Into status_reason and, split at its first ": " as 0012 split the others, reason_code and
# reason_detail (the admin's reason filter reads the code).
COPY_REASONS = """
UPDATE comments_comment SET
    status_reason = held_by_rule,
    reason_code = left(btrim(split_part(held_by_rule, ': ', 1)), 40),
    reason_detail = left(btrim(substr(held_by_rule, length(split_part(held_by_rule, ': ', 1)) + 3)), 200)
WHERE status_reason = '' AND held_by_rule <> ''
"""


class Migration(migrations.Migration):
    dependencies = [("comments", "0012_moderation_app")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE comments_comment ALTER COLUMN held_by_rule SET DEFAULT ''",
                    "ALTER TABLE comments_comment ALTER COLUMN held_by_rule DROP DEFAULT",
                ),
                migrations.RunSQL(COPY_REASONS, migrations.RunSQL.noop),
            ],
            state_operations=[migrations.RemoveField(model_name="comment", name="held_by_rule")],
        ),
    ]
