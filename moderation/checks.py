"""Each moderated table must carry the blog's discussion trigger: it is what changes a post
page's version, and empties the page cache, when an item becomes public or stops being."""

from django.core import checks
from django.db import connection
from django.db.utils import DatabaseError

from moderation.registry import registry

TRIGGER_FUNCTION = "blog_mark_discussion_changed"


def tables_with_trigger() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t"
            " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid"
            " WHERE p.proname = %s AND NOT t.tgisinternal",
            [TRIGGER_FUNCTION],
        )
        return {name for (name,) in cursor.fetchall()}


@checks.register(checks.Tags.database)
def discussion_trigger(app_configs=None, databases=None, **kwargs):
    """Run with `manage.py check --database default` (and by `migrate`)."""
    if not databases or "default" not in databases:
        return []
    try:
        attached = tables_with_trigger()
    except DatabaseError:
        return []  # no database yet: migrate creates it
    return [
        checks.Error(
            f"{moderator.model._meta.db_table} is moderated but has no "
            f"{TRIGGER_FUNCTION} trigger: approving one of its items would not change the "
            "post page.",
            hint="Attach it in a migration, as webmentions/migrations/0002 does.",
            obj=moderator.model,
            id="moderation.E001",
        )
        for moderator in registry
        if moderator.model._meta.db_table not in attached
    ]
