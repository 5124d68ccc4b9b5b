"""Tell every listening worker (ops/page_cache/listener.py) the moment a change to posts is committed.

PostgreSQL delivers a NOTIFY at commit, once per transaction and payload, to every session that
LISTENs on the channel, on every host. Statement-level, like blog_mark_discussion_changed: a
statement that touches a published post (one that is, or was, or is scheduled to be public)
notifies; drafts do not. An approved comment changes its post's comments_changed_at through that
function, so it notifies from here too, and pending comments, which touch no post, do not.
"""

from django.db import migrations

CHANNEL = "page_cache"  # settings.PAGE_CACHE_CHANNEL
PUBLISHED = "status = 'published'"  # Post.Status.PUBLISHED

CREATE = f"""
CREATE FUNCTION blog_notify_public_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    public boolean := false;
BEGIN
    -- Each branch names only the transition tables its statement has.
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        public := EXISTS (SELECT FROM new_rows WHERE {PUBLISHED});
    END IF;
    IF NOT public AND TG_OP IN ('UPDATE', 'DELETE') THEN
        public := EXISTS (SELECT FROM old_rows WHERE {PUBLISHED});
    END IF;
    IF public THEN
        PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER blog_post_notify_on_insert AFTER INSERT ON blog_post
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION blog_notify_public_change();
CREATE TRIGGER blog_post_notify_on_update AFTER UPDATE ON blog_post
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION blog_notify_public_change();
CREATE TRIGGER blog_post_notify_on_delete AFTER DELETE ON blog_post
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION blog_notify_public_change();
CREATE FUNCTION blog_notify_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
CREATE TRIGGER blog_post_notify_on_truncate AFTER TRUNCATE ON blog_post
    FOR EACH STATEMENT EXECUTE FUNCTION blog_notify_truncate();
"""

DROP = """
DROP TRIGGER blog_post_notify_on_insert ON blog_post;
DROP TRIGGER blog_post_notify_on_update ON blog_post;
DROP TRIGGER blog_post_notify_on_delete ON blog_post;
DROP TRIGGER blog_post_notify_on_truncate ON blog_post;
DROP FUNCTION blog_notify_public_change();
DROP FUNCTION blog_notify_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [("blog", "0006_rerender_posts")]

    operations = [migrations.RunSQL(CREATE, DROP)]
