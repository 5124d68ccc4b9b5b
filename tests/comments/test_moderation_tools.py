"""Moderation that fits a moderator's day: one-click decisions, undo, bans, trust, mail links."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains

from comments import decision_links
from comments.models import Ban, Comment, ModerationDecision, ModeratorPreference
from comments.services import TooLateToUndo, moderate, undo
from notifications import links
from notifications.confirmed_browser import CONFIRMED_ADDRESSES
from notifications.models import Address
from notifications.tasks import offer_publishing
from ops.models import OutgoingMail
from tests.support.factories import CommentFactory, UserFactory

CHANGELIST = reverse("admin:comments_comment_changelist")


def link_in_text(text: str, path_start: str) -> str:
    [url] = re.findall(rf"https?://\S+?{re.escape(path_start)}\S+/", text)
    return url


def decide(client, comment, decision):
    url = reverse("admin:comments_comment_decide", args=[comment.pk])
    return client.post(url, {"decision": decision, "next": f"{CHANGELIST}?status__exact=pending"})


def test_a_rows_button_decides_in_one_post_records_it_and_returns_to_the_list(
    moderator_client, moderator
):
    comment = CommentFactory(status="pending", name="Grace")
    response = decide(moderator_client, comment, "approve")
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}?status__exact=pending"
    comment.refresh_from_db()
    assert comment.status == "approved"
    assert comment.decision_count == 1
    [decision] = ModerationDecision.objects.all()
    assert (decision.moderator, decision.from_status, decision.to_status) == (
        moderator,
        "pending",
        "approved",
    )
    page = moderator_client.get(response["Location"])
    assertContains(page, "The comment by Grace was approved.")


def test_the_row_buttons_are_outside_the_lists_form_and_offer_the_other_decisions(
    moderator_client,
):
    comment = CommentFactory(status="pending")
    html = moderator_client.get(CHANGELIST).content.decode()
    form_end = html.index("</form>", html.index('id="changelist-form"'))
    assert html.index('<form id="comment-decisions" method="post">') > form_end
    url = reverse("admin:comments_comment_decide", args=[comment.pk])
    for decision in ["approve", "spam", "reject"]:
        assert (
            f'form="comment-decisions" formaction="{url}" name="decision" value="{decision}"'
            in html
        )


def test_the_pending_come_first(moderator_client):
    CommentFactory(status="approved", body="Approved and newest")
    CommentFactory(status="pending", body="Waiting")
    html = moderator_client.get(CHANGELIST).content.decode()
    assert html.index("Waiting") < html.index("Approved and newest")


def test_someone_who_may_not_moderate_cannot_decide(client, db):
    comment = CommentFactory(status="pending")
    client.force_login(UserFactory(is_staff=True))
    response = decide(client, comment, "approve")
    assert response.status_code in (302, 403)
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_undo_within_a_day_restores_the_status_and_records_who(moderator_client, moderator):
    comment = CommentFactory(status="pending")
    decide(moderator_client, comment, "spam")
    decision = ModerationDecision.objects.get()
    url = reverse("admin:comments_moderationdecision_undo", args=[decision.pk])
    response = moderator_client.post(url, follow=True)
    assertContains(response, "Undone: the comment is pending again.")
    comment.refresh_from_db()
    decision.refresh_from_db()
    assert comment.status == "pending"
    assert decision.undone_by == moderator
    assert comment.decision_count == 2  # an undo kills the old mail links too


def test_a_decision_older_than_a_day_cannot_be_undone(db, moderator):
    comment = CommentFactory(status="pending")
    moderate(Comment.objects.filter(pk=comment.pk), "approved", moderator)
    decision = ModerationDecision.objects.get()
    ModerationDecision.objects.filter(pk=decision.pk).update(
        decided_at=decision.decided_at - timedelta(days=1, seconds=1)
    )
    decision.refresh_from_db()
    with pytest.raises(TooLateToUndo):
        undo(decision, moderator)
    comment.refresh_from_db()
    assert comment.status == "approved"


def test_a_comments_page_shows_the_writers_other_comments_and_address(moderator_client):
    comment = CommentFactory(email="ada@example.com", ip_address="192.0.2.44")
    CommentFactory(email="ADA@example.com", body="Same address, other case", status="spam")
    CommentFactory(email="other@example.com", ip_address="192.0.2.44", body="Same IP")
    CommentFactory(email="stranger@example.com", body="Someone else")
    Address.objects.create(email="ada@example.com")
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assertContains(page, "Same address, other case")
    assertContains(page, "Same IP")
    assertContains(page, '<span class="comment-status-badge comment-status-spam">Spam</span>')
    assert "Someone else" not in page.content.decode()
    assertContains(page, "ada@example.com</strong>: asked for mail, not verified")


@pytest.mark.parametrize(
    ("kind", "value", "email", "ip"),
    [
        ("email", "spammer@example.com", "Spammer@Example.com", "192.0.2.1"),
        ("domain", "spam.example", "anyone@spam.example", "192.0.2.1"),
        ("network", "203.0.113.0/24", "fresh@example.com", "203.0.113.77"),
    ],
)
def test_a_banned_writer_is_filed_as_spam_with_the_ban_as_reason(
    send_comment, moderator, kind, value, email, ip, settings
):
    settings.MODERATOR_EMAILS = ["mod@example.com"]
    ban = Ban(kind=kind, value=value, created_by=moderator)
    ban.full_clean()
    ban.save()
    response = send_comment(email=email, address=ip)
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.status == "spam"
    assert comment.status_reason == f"ban: {ban}"
    assert not OutgoingMail.objects.exists()  # never mailed about


def test_a_ban_from_the_admin_can_file_the_writers_pending_comments_as_spam(moderator_client):
    waiting = CommentFactory(status="pending", email="pest@example.com")
    approved = CommentFactory(status="approved", email="pest@example.com")
    other = CommentFactory(status="pending", email="fine@example.com")
    response = moderator_client.post(
        reverse("admin:moderation_ban_add"),
        {"kind": "email", "value": "Pest@Example.com ", "note": "ads", "spam_pending": "on"},
        follow=True,
    )
    assertContains(response, "1 pending comment marked as spam.")
    assert Ban.objects.get().value == "pest@example.com"
    for comment, status in [(waiting, "spam"), (approved, "approved"), (other, "pending")]:
        comment.refresh_from_db()
        assert comment.status == status
    assert waiting.status_reason == "ban: Email address: pest@example.com"


def test_a_ban_with_a_bad_range_is_refused_with_a_message(moderator_client):
    response = moderator_client.post(
        reverse("admin:moderation_ban_add"), {"kind": "network", "value": "not a range"}
    )
    assert response.status_code == 200
    assertContains(response, "Write an IP range such as 203.0.113.0/24.")
    assert not Ban.objects.exists()


@pytest.fixture
def trusted_ada(db):
    """ada@example.com has a comment a moderator approved, and asked for mail once."""
    CommentFactory(email="ada@example.com", status="approved")
    return Address.objects.create(email="ada@example.com", confirmation_sent_at=timezone.now())


def marked(client, address):
    """Confirm `address` from `client`'s browser, as its owner does: it gets the signed mark."""
    response = client.post(urlsplit(links.confirm_url(address)).path)
    assert response.status_code == 200
    assert CONFIRMED_ADDRESSES.name in response.cookies


def test_a_trusted_writers_comment_from_the_browser_that_confirmed_is_published_at_once(
    send_comment, client, trusted_ada
):
    marked(client, trusted_ada)
    send_comment(email="ada@example.com", body="Second thoughts")
    comment = Comment.objects.get(body="Second thoughts")
    assert comment.status == "approved"
    assert comment.status_reason == "approved: trusted writer"


def test_the_same_name_and_address_typed_elsewhere_wait_until_the_mailed_button_is_pressed(
    send_comment, trusted_ada, post, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_comment(email="ada@example.com", name="Ada", body="Is it really me?")
    comment = Comment.objects.get(body="Is it really me?")
    assert comment.status == "pending"
    [queued] = DBTaskResult.objects.filter(task_path="notifications.tasks.offer_publishing")
    assert queued.args_kwargs["args"] == [comment.pk]
    offer_publishing.call(comment.pk)  # what the worker does
    [offer] = OutgoingMail.objects.filter(to="ada@example.com")
    assert "Someone used this address to comment on" in offer.body_text
    assert "Is it really me?" not in offer.body_text and "Ada" not in offer.body_text
    publish_path = urlsplit(link_in_text(offer.body_text, "/mail/publish/")).path

    owner = Client()
    page = owner.get(publish_path)
    assertContains(page, "Publish my comment")
    comment.refresh_from_db()
    assert comment.status == "pending"  # the link alone changes nothing

    done = owner.post(publish_path)
    assertContains(done, "your comment is published")
    comment.refresh_from_db()
    assert (comment.status, comment.status_reason) == ("approved", "approved: trusted writer")
    assert CONFIRMED_ADDRESSES.name in done.cookies  # this browser is trusted from now on
    again = owner.post(publish_path)
    assertContains(again, "not valid any more", status_code=400)


def test_a_trusted_writer_who_was_banned_since_is_not_trusted(send_comment, client, trusted_ada):
    Ban.objects.create(kind="email", value="ada@example.com")
    marked(client, trusted_ada)
    send_comment(email="ada@example.com", body="Banned now")
    assert Comment.objects.get(body="Banned now").status == "spam"


def test_trust_can_be_turned_off(send_comment, client, trusted_ada, settings):
    settings.COMMENTS_TRUST_PROVEN_WRITERS = False
    marked(client, trusted_ada)
    send_comment(email="ada@example.com", body="Waits like any other")
    assert Comment.objects.get(body="Waits like any other").status == "pending"


def test_moderators_get_decision_links_of_their_own_and_the_extra_list_none(
    send_comment, moderator, settings
):
    settings.MODERATOR_EMAILS = ["list@example.com"]
    moderator.email = "moderator@example.com"
    moderator.save()
    send_comment(body="Check me")
    comment = Comment.objects.get()
    to_moderator = OutgoingMail.objects.get(to="moderator@example.com")
    to_list = OutgoingMail.objects.get(to="list@example.com")
    for action in ["approve", "spam", "reject"]:
        url = decision_links.decision_url(comment, moderator, action)
        assert f"{action.capitalize()}: {url}" in to_moderator.body_text
    assert "/moderate/" not in to_list.body_text


def test_a_moderator_who_chose_the_digest_gets_one_mail_a_day_listing_all(
    send_comment, moderator, capsys
):
    moderator.email = "moderator@example.com"
    moderator.save()
    ModeratorPreference.objects.create(user=moderator, daily_digest=True)
    send_comment(body="First of the day", address="192.0.2.1")
    send_comment(body="Second of the day", address="192.0.2.2")
    assert not OutgoingMail.objects.filter(to="moderator@example.com").exists()
    call_command("mail_moderation_digest")
    assert "1 digest queued, 2 pending comments." in capsys.readouterr().out
    [digest] = OutgoingMail.objects.filter(to="moderator@example.com")
    assert digest.subject == "2 comments await moderation"
    assert "First of the day" in digest.body_text and "Second of the day" in digest.body_text
    assert digest.body_text.count("/moderate/") == 6


def test_the_pending_count_is_in_every_admin_pages_header(moderator_client):
    CommentFactory.create_batch(2, status="pending")
    for page in ["admin:index", "admin:moderation_ban_changelist", "admin:password_change"]:
        response = moderator_client.get(reverse(page))
        assertContains(
            response,
            f'<a class="comment-pending-link" href="{reverse("moderation:queue")}">2 pending</a>',
            html=True,
        )
