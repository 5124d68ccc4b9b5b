"""Moderation in the admin: the queue, bulk actions, a comment's own page, the Moderators group."""

import logging

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Comment
from tests.support.factories import CommentFactory, PostFactory

CHANGELIST = "admin:comments_comment_changelist"


def changelist(client, **params):
    return client.get(reverse(CHANGELIST), params)


def test_queue_lists_excerpt_writer_post_when_status_and_reason(moderator_client):
    """The address and IP show on hover (a title), the full date on hover over "ago"."""
    comment = CommentFactory(
        status="spam",
        name="Bot",
        email="bot@example.com",
        body="A" * 200,
        ip_address="203.0.113.5",
        status_reason="honeypot: the hidden field was filled in",
    )
    response = changelist(moderator_client)
    for text in [
        "A" * 139 + "…",
        '<span title="bot@example.com · 203.0.113.5">Bot</span>',
        f'<span class="comment-on-post" title="{comment.post.title}">'
        f"on {comment.post.title}</span>",
        '<span class="comment-status-badge comment-status-spam">Spam</span>',
        "honeypot: the hidden field was filled in",
        "0\xa0minutes ago",
    ]:
        assertContains(response, text)
    for column in ["Comment", "Who, when", "Status", "Reason", "Decide"]:
        assertContains(response, f">{column}</")


def test_queue_filters_by_status_and_post(moderator_client):
    post = PostFactory()
    CommentFactory(post=post, status="pending", body="pending here")
    CommentFactory(post=post, status="approved", body="approved here")
    CommentFactory(status="pending", body="pending elsewhere")
    response = changelist(moderator_client, status__exact="pending", post__id__exact=post.pk)
    assertContains(response, "pending here")
    assertNotContains(response, "approved here")
    assertNotContains(response, "pending elsewhere")


@pytest.mark.parametrize("query", ["needle", "Needle Person", "needle@example.com", "203.0.113"])
def test_queue_searches_body_name_email_and_address(moderator_client, query):
    CommentFactory(body="haystack with a needle", name="Needle Person",
                   email="needle@example.com", ip_address="203.0.113.77")  # fmt: skip
    CommentFactory(body="nothing", name="Other", email="other@example.com", ip_address="192.0.2.1")
    response = changelist(moderator_client, q=query)
    assertContains(response, "Needle Person")
    assertNotContains(response, "other@example.com")


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("approve", "approved", "2 comments were approved."),
        ("reject", "rejected", "2 comments were rejected."),
        ("mark_as_spam", "spam", "2 comments were marked as spam."),
    ],
)
def test_bulk_actions_moderate_the_selected_comments_and_say_how_many(
    moderator_client, moderator, caplog, action, status, message
):
    selected = CommentFactory.create_batch(2, status="pending")
    untouched = CommentFactory(status="pending")
    with caplog.at_level(logging.INFO, logger="comments.moderation"):
        response = moderator_client.post(
            reverse(CHANGELIST),
            {"action": action, "_selected_action": [c.pk for c in selected]},
            follow=True,
        )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]
    for comment in selected:
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by) == (status, moderator)
        assert comment.moderated_at is not None
    untouched.refresh_from_db()
    assert untouched.status == "pending"
    assert len([r for r in caplog.records if r.name == "comments.moderation"]) == 2


def test_one_comment_is_moderated_from_its_own_page(moderator_client, moderator):
    comment = CommentFactory(status="pending", name="Grace", body="On its own page")
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    page = moderator_client.get(url)
    for button in ["Approve", "Reject", "Mark as spam"]:
        assertContains(page, f'value="{button}"')
    data = {"name": "Grace", "email": comment.email, "body": comment.body, "status": "pending"}
    response = moderator_client.post(url, {**data, "_approve": "Approve"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == ("approved", moderator)


def test_editing_a_comment_without_changing_its_status_is_not_a_moderation(moderator_client):
    comment = CommentFactory(status="pending", body="Typo hree")
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    data = {"name": comment.name, "email": comment.email, "body": "Typo here", "status": "pending"}
    assert moderator_client.post(url, data).status_code == 302
    comment.refresh_from_db()
    assert (comment.body_html, comment.moderated_by) == ("<p>Typo here</p>\n", None)


def test_admin_index_shows_how_many_comments_await_moderation(moderator_client):
    CommentFactory.create_batch(3, status="pending")
    CommentFactory(status="spam")
    response = moderator_client.get(reverse("admin:index"))
    assertContains(response, f'<a href="{reverse("moderation:queue")}">3 pending</a>', html=True)


def test_moderators_may_moderate_comments_and_nothing_else(moderator_client):
    assert changelist(moderator_client).status_code == 200
    assert moderator_client.get(reverse("admin:comments_comment_add")).status_code == 403
    for other in ["admin:blog_post_changelist", "admin:auth_user_changelist"]:
        assert moderator_client.get(reverse(other)).status_code == 403
    assert set(
        Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True)
    ) == {
        "view_comment",
        "change_comment",
        "add_ban",
        "change_ban",
        "delete_ban",
        "view_ban",
        "view_moderationdecision",
        "add_moderatorpreference",
        "change_moderatorpreference",
        "view_moderatorpreference",
    }


def test_moderators_cannot_delete_comments(moderator_client):
    comment = CommentFactory()
    assert (
        moderator_client.get(
            reverse("admin:comments_comment_delete", args=[comment.pk])
        ).status_code
        == 403
    )
    assert Comment.objects.filter(pk=comment.pk).exists()
