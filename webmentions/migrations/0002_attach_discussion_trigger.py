"""Approved webmentions show in a post's discussion: attach the blog's trigger function (blog
migration 0004) to this table, so approving or taking one down changes the post page's version
(Post.comments_changed_at) and, through blog migration 0007, empties the page cache."""

from django.db import migrations

SHOWN = "status = ''approved'' AND verified_at IS NOT NULL"  # WebmentionQuerySet.approved()

ATTACH = f"""
CREATE TRIGGER webmentions_mark_discussion_on_insert AFTER INSERT ON webmentions_webmention
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION blog_mark_discussion_changed('post_id', '{SHOWN}');
CREATE TRIGGER webmentions_mark_discussion_on_update AFTER UPDATE ON webmentions_webmention
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION blog_mark_discussion_changed('post_id', '{SHOWN}');
CREATE TRIGGER webmentions_mark_discussion_on_delete AFTER DELETE ON webmentions_webmention
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION blog_mark_discussion_changed('post_id', '{SHOWN}');
"""

DETACH = """
DROP TRIGGER webmentions_mark_discussion_on_insert ON webmentions_webmention;
DROP TRIGGER webmentions_mark_discussion_on_update ON webmentions_webmention;
DROP TRIGGER webmentions_mark_discussion_on_delete ON webmentions_webmention;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0007_notify_public_changes"),
        ("webmentions", "0001_initial"),
    ]

    operations = [migrations.RunSQL(ATTACH, DETACH)]
