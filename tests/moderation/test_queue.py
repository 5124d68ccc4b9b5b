"""The moderators' one queue: every pending item of every kind on one admin page, newest first,
each with its reason, who wrote it, and buttons that decide."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from moderation.models import ModerationDecision
from tests.support.factories import CommentFactory, UserFactory
from tests.support.webmentions import pending_mention

QUEUE = reverse("moderation:queue")


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def test_the_queue_lists_every_pending_item_of_every_kind_newest_first(moderator_client):
    CommentFactory(status="pending", body="An old comment", created_at=ago(hours=3))
    pending_mention(content="A webmention in between", received_at=ago(hours=2))
    CommentFactory(status="pending", body="The newest comment", created_at=ago(hours=1))
    CommentFactory(status="approved", body="Decided already")
    pending_mention(content="Not verified yet", source="https://b.example/", verified_at=None)
    page = moderator_client.get(QUEUE)
    assertContains(page, "3 pending, newest first.")
    html = page.content.decode()
    newest, between, oldest = (
        html.index(text) for text in ["The newest comment", "A webmention in between", "An old"]
    )
    assert newest < between < oldest
    assertNotContains(page, "Decided already")
    assertNotContains(page, "Not verified yet")


def test_each_row_shows_the_reason_and_the_writers_other_items(moderator_client):
    CommentFactory(email="ada@example.com", status="approved", body="Her first")
    CommentFactory(email="ADA@example.com", status="spam", body="Her second")
    CommentFactory(
        email="ada@example.com", status="pending", body="Her third", status_reason="too fast"
    )
    page = moderator_client.get(QUEUE)
    assertContains(page, "<td>too fast</td>", html=True)
    assertContains(page, "1 approved, 1 spam")


def test_a_rows_button_decides_and_the_decision_is_logged(moderator_client, moderator):
    mention = pending_mention(author_name="Alice Example")
    data = {"kind": "webmentions.webmention", "pk": mention.pk, "decision": "approve"}
    response = moderator_client.post(QUEUE, data)
    assert (response.status_code, response["Location"]) == (302, QUEUE)
    page = moderator_client.get(QUEUE)
    assertContains(page, "The webmention by Alice Example was approved.")
    assertContains(page, "0 pending")
    mention.refresh_from_db()
    assert mention.status == "approved"
    [decision] = ModerationDecision.objects.of(mention)
    assert (decision.moderator, decision.to_status, decision.channel) == (
        moderator,
        "approved",
        "admin",
    )


def test_each_row_has_a_button_per_decision_posting_to_the_queue(moderator_client):
    comment = CommentFactory(status="pending", name="Grace")
    page = moderator_client.get(QUEUE)
    assertContains(page, 'name="csrfmiddlewaretoken"')
    assertContains(page, f'<input type="hidden" name="pk" value="{comment.pk}">', html=True)
    for value, label in [("approve", "Approve"), ("reject", "Reject"), ("spam", "Spam")]:
        assertContains(
            page,
            f'<button type="submit" name="decision" value="{value}" '
            f'aria-label="{label} the comment by Grace">{label}</button>',
            html=True,
        )


def test_a_decision_without_the_csrf_token_is_refused(moderator):
    comment = CommentFactory(status="pending")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(moderator)
    data = {"kind": "comments.comment", "pk": comment.pk, "decision": "spam"}
    assert browser.post(QUEUE, data).status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "auth.user", "pk": "1", "decision": "approve"},
        {"kind": "comments.comment", "pk": "one", "decision": "approve"},
        {"kind": "comments.comment", "pk": "1", "decision": "delete"},
        {},
    ],
)
def test_a_decision_that_names_no_item_or_decision_is_refused_with_400(moderator_client, data):
    response = moderator_client.post(QUEUE, data)
    assert response.status_code == 400
    assert b"Choose a decision" in response.content


def test_someone_who_may_not_moderate_can_neither_see_nor_use_the_queue(client, db):
    comment = CommentFactory(status="pending", body="Not for your eyes")
    assert client.get(QUEUE).status_code == 302  # to the admin's sign-in page
    client.force_login(UserFactory(is_staff=True))
    assert client.get(QUEUE).status_code == 403
    data = {"kind": "comments.comment", "pk": comment.pk, "decision": "approve"}
    assert client.post(QUEUE, data).status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_the_pending_count_of_every_kind_links_to_the_queue(moderator_client):
    CommentFactory(status="pending")
    pending_mention()
    for page in ["admin:index", "admin:webmentions_webmention_changelist"]:
        response = moderator_client.get(reverse(page))
        assertContains(
            response, f'<a class="comment-pending-link" href="{QUEUE}">2 pending</a>', html=True
        )
    index = moderator_client.get(reverse("admin:index"))
    assertContains(index, f'<a href="{QUEUE}">2 pending</a>', html=True)
