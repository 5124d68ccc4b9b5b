"""The trigger function that keeps Post.comments_changed_at: the blog owns the column and the
function that writes it; an app whose rows show on a post's page attaches the function to its
table (statement-level, with transition tables named new_rows and old_rows), passing the column
that names the post and the condition of the rows readers see, for example:

    CREATE TRIGGER ... AFTER INSERT ON comments_comment REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION blog_mark_discussion_changed('post_id', 'status = ''approved''');

PostgreSQL sees every write (the admin, a queryset update(), bulk_create, a manual UPDATE), so no
code path can forget to change the post page's version.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION blog_mark_discussion_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    -- TG_ARGV[0]: the column naming the post; TG_ARGV[1]: which rows readers see.
    touched text := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT %1$I FROM new_rows WHERE %2$s'
        WHEN 'DELETE' THEN 'SELECT %1$I FROM old_rows WHERE %2$s'
        ELSE 'SELECT %1$I FROM old_rows WHERE %2$s UNION SELECT %1$I FROM new_rows WHERE %2$s'
    END;
BEGIN
    EXECUTE format(
        'UPDATE blog_post SET comments_changed_at = clock_timestamp() WHERE id IN ('
        || touched || ')',
        TG_ARGV[0], TG_ARGV[1]
    );
    RETURN NULL;
END
$$;
"""

DROP = "DROP FUNCTION blog_mark_discussion_changed();"


class Migration(migrations.Migration):
    dependencies = [("blog", "0003_comments_changed_at")]

    operations = [migrations.RunSQL(CREATE, DROP)]
