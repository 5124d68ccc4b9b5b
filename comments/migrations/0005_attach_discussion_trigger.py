"""What readers see of a post's comments is its approved comments: attach the blog's trigger
function (blog migration 0004) to the comments table, in place of this app's own copy of it."""

from importlib import import_module

from django.db import migrations

previous = import_module("comments.migrations.0003_mark_post_comments_changed")

APPROVED = "status = ''approved''"  # Comment.Status.APPROVED, quoted for the SQL below

ATTACH = f"""
DROP TRIGGER comments_mark_post_changed_on_insert ON comments_comment;
DROP TRIGGER comments_mark_post_changed_on_update ON comments_comment;
DROP TRIGGER comments_mark_post_changed_on_delete ON comments_comment;
DROP FUNCTION comments_mark_post_changed();
CREATE TRIGGER comments_mark_post_changed_on_insert AFTER INSERT ON comments_comment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION blog_mark_discussion_changed('post_id', '{APPROVED}');
CREATE TRIGGER comments_mark_post_changed_on_update AFTER UPDATE ON comments_comment
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION blog_mark_discussion_changed('post_id', '{APPROVED}');
CREATE TRIGGER comments_mark_post_changed_on_delete AFTER DELETE ON comments_comment
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
    EXECUTE FUNCTION blog_mark_discussion_changed('post_id', '{APPROVED}');
"""

DETACH = """
DROP TRIGGER comments_mark_post_changed_on_insert ON comments_comment;
DROP TRIGGER comments_mark_post_changed_on_update ON comments_comment;
DROP TRIGGER comments_mark_post_changed_on_delete ON comments_comment;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0004_mark_discussion_changed"),
        ("comments", "0004_status_reason"),
    ]

    operations = [migrations.RunSQL(ATTACH, DETACH + previous.CREATE)]
