"""The comments' migrations keep what moderators read: a comment's reason survives the end of
`held_by_rule`, whichever release wrote it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comments.models import Comment
from tests.support.factories import CommentFactory

BEFORE = [("comments", "0010_comment_identity")]
STOPPED_USING = [("comments", "0011_stop_using_held_by_rule")]

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def comments_at_0010():
    migrate(BEFORE)
    yield
    migrate(latest())


def insert_comment(post, *, status_reason, held_by_rule, status="spam"):
    """A comment row as the previous releases wrote it, both reason columns by hand."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO comments_comment (post_id, name, email, body, body_html, status,"
            " status_reason, held_by_rule, created_at, notify_writer, decision_count,"
            " approved_body, user_agent) VALUES (%s, 'Bot', 'bot@example.com', 'Buy',"
            " '<p>Buy</p>', %s, %s, %s, now(), false, 0, '', '') RETURNING id",
            [post.pk, status, status_reason, held_by_rule],
        )
        return cursor.fetchone()[0]


def columns():
    with connection.cursor() as cursor:
        return {
            column.name
            for column in connection.introspection.get_table_description(cursor, "comments_comment")
        }


def test_a_reason_only_the_old_column_holds_is_kept_when_the_column_goes(post, comments_at_0010):
    """A comment filed by a host of the release before status_reason existed."""
    old = insert_comment(post, status_reason="", held_by_rule="honeypot: filled in")
    both = insert_comment(post, status_reason="spam words: casino", held_by_rule="too fast")

    migrate(latest())

    assert Comment.objects.get(pk=old).status_reason == "honeypot: filled in"
    assert Comment.objects.get(pk=both).status_reason == "spam words: casino"
    assert "held_by_rule" not in columns()


def test_comments_are_stored_while_the_old_column_still_stands(post, comments_at_0010):
    """Between 0011 and 0012 this release's code, which no longer names the column, stores
    comments, and a host of the previous release still writes its reason there."""
    migrate(STOPPED_USING)
    comment = CommentFactory(post=post, status_reason="approved: trusted writer")
    written_by_previous_host = insert_comment(post, status_reason="", held_by_rule="too fast")

    migrate(latest())

    assert Comment.objects.get(pk=comment.pk).status_reason == "approved: trusted writer"
    assert Comment.objects.get(pk=written_by_previous_host).status_reason == "too fast"
