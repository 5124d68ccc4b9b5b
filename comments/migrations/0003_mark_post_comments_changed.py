"""A trigger that sets Post.comments_changed_at whenever what readers see of a post's comments
may have changed: an approved comment added, edited or removed, or a comment approved or
withdrawn. The post page's ETag and fragment caches are keyed by that time, and PostgreSQL sees
every write (the admin, moderation's queryset update(), bulk_create, a manual UPDATE), so no
code path can forget to invalidate them.

Statement-level, with transition tables: one UPDATE of the posts per statement, however many
comments it touched.
"""

from django.db import migrations

APPROVED = "approved"  # Comment.Status.APPROVED

CREATE = f"""
CREATE FUNCTION comments_mark_post_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE blog_post SET comments_changed_at = clock_timestamp()
        WHERE id IN (SELECT post_id FROM new_rows WHERE status = '{APPROVED}');
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE blog_post SET comments_changed_at = clock_timestamp()
        WHERE id IN (SELECT post_id FROM old_rows WHERE status = '{APPROVED}');
    ELSE
        UPDATE blog_post SET comments_changed_at = clock_timestamp()
        WHERE id IN (
            SELECT post_id FROM old_rows WHERE status = '{APPROVED}'
            UNION SELECT post_id FROM new_rows WHERE status = '{APPROVED}'
        );
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER comments_mark_post_changed_on_insert AFTER INSERT ON comments_comment
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION comments_mark_post_changed();
CREATE TRIGGER comments_mark_post_changed_on_update AFTER UPDATE ON comments_comment
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION comments_mark_post_changed();
CREATE TRIGGER comments_mark_post_changed_on_delete AFTER DELETE ON comments_comment
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION comments_mark_post_changed();
"""

DROP = """
DROP TRIGGER comments_mark_post_changed_on_insert ON comments_comment;
DROP TRIGGER comments_mark_post_changed_on_update ON comments_comment;
DROP TRIGGER comments_mark_post_changed_on_delete ON comments_comment;
DROP FUNCTION comments_mark_post_changed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0003_comments_changed_at"),
        ("comments", "0002_moderators_group"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
