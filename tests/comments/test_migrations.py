"""The comments' migrations keep what moderators read: a comment's reason survives the end of
`held_by_rule`, whichever release wrote it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comments.models import Comment
from tests.support.factories import CommentFactory

BEFORE = [("comments", "0012_moderation_app")]

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def comments_before_the_change():
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


def test_a_reason_only_the_old_column_holds_is_kept_when_it_is_no_longer_read(
    post, comments_before_the_change
):
    """A comment filed by a host of the release before status_reason existed."""
    old = insert_comment(post, status_reason="", held_by_rule="honeypot: filled in")
    both = insert_comment(post, status_reason="spam words: casino", held_by_rule="too fast")

    migrate(latest())

    kept = Comment.objects.get(pk=old)
    assert kept.status_reason == "honeypot: filled in"
    assert (kept.reason_code, kept.reason_detail) == ("honeypot", "filled in")
    assert Comment.objects.get(pk=both).status_reason == "spam words: casino"


def test_the_old_column_stands_for_the_previous_release_while_comments_are_stored_without_it(
    post, comments_before_the_change
):
    """During a rolling deploy a host of the previous release still names the column (so it is
    dropped only next release), while this release's code, which no longer names it, stores
    comments thanks to its database default."""
    migrate(latest())
    comment = CommentFactory(post=post, status_reason="approved: trusted writer")
    written_by_previous_host = insert_comment(post, status_reason="", held_by_rule="too fast")

    assert "held_by_rule" in columns()
    assert Comment.objects.get(pk=comment.pk).status_reason == "approved: trusted writer"
    assert Comment.objects.filter(pk=written_by_previous_host).exists()
