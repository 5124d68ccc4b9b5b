"""Webmentions moderated as comments are: decided from the admin or from a mailed link, logged,
undone within a day, listed in the daily digest and counted among the pending."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from moderation import decisions
from moderation.models import ModerationDecision, ModeratorPreference
from tests.support.factories import CommentFactory, UserFactory
from tests.support.mail import subject_of, text_of
from tests.support.pages import Page
from tests.support.web import until
from tests.support.webmentions import pending_mention
from webmentions.models import Webmention

CHANGELIST = reverse("admin:webmentions_webmention_changelist")
MODERATOR_ADDRESS = "moderator@example.com"


def act(client, action, *mentions):
    """The admin list's action menu, applied to `mentions`."""
    selected = [mention.pk for mention in mentions]
    return client.post(CHANGELIST, {"action": action, "_selected_action": selected}, follow=True)


def undo_url(decision) -> str:
    return reverse("admin:moderation_moderationdecision_undo", args=[decision.pk])


def decision_link(message, action: str) -> str:
    """The path of the mailed link after "Approve:" (or "Spam:", "Reject:")."""
    [url] = re.findall(rf"^{action}: (\S+)$", text_of(message), re.MULTILINE)
    return urlsplit(url).path


@pytest.fixture
def mailed_moderator(moderator):
    moderator.email = MODERATOR_ADDRESS
    moderator.save()
    return moderator


def test_a_webmention_approved_from_the_admin_is_in_the_moderation_log(moderator_client, moderator):
    mention = pending_mention(content="Approve me, please.")
    assertContains(act(moderator_client, "approve", mention), "1 webmention was approved.")
    mention.refresh_from_db()
    assert mention.status == "approved"
    [decision] = ModerationDecision.objects.of(mention)
    assert (decision.moderator, decision.from_status, decision.to_status, decision.channel) == (
        moderator,
        "pending",
        "approved",
        "admin",
    )
    assert decision.content_type == ContentType.objects.get_for_model(Webmention)
    log = moderator_client.get(reverse("admin:moderation_moderationdecision_changelist"))
    assertContains(log, "Approve me, please.")
    assertContains(log, "Pending → Approved")


def test_a_webmention_decision_is_undone_within_a_day_from_the_log(moderator_client, moderator):
    mention = pending_mention()
    act(moderator_client, "mark_as_spam", mention)
    decision = ModerationDecision.objects.of(mention).get()
    response = moderator_client.post(undo_url(decision), follow=True)
    assertContains(response, "Undone: the webmention is pending again.")
    mention.refresh_from_db()
    decision.refresh_from_db()
    assert mention.status == "pending"
    assert (decision.undone_by, decision.undone_at is not None) == (moderator, True)
    assert mention.decision_count == 2  # the links mailed before the decision stay dead


def test_a_webmention_decision_older_than_a_day_cannot_be_undone(moderator_client):
    mention = pending_mention()
    act(moderator_client, "reject", mention)
    decision = ModerationDecision.objects.of(mention).get()
    ModerationDecision.objects.filter(pk=decision.pk).update(
        decided_at=decision.decided_at - timedelta(days=1, seconds=1)
    )
    response = moderator_client.post(undo_url(decision), follow=True)
    assertContains(response, "This decision cannot be undone")
    mention.refresh_from_db()
    assert mention.status == "rejected"
    with pytest.raises(decisions.TooLateToUndo):
        decisions.undo(decision, decision.moderator)


def test_someone_who_may_not_moderate_cannot_decide_on_a_webmention(client, db):
    mention = pending_mention()
    client.force_login(UserFactory(is_staff=True))
    response = client.post(CHANGELIST, {"action": "approve", "_selected_action": [mention.pk]})
    assert response.status_code in (302, 403)
    mention.refresh_from_db()
    assert mention.status == "pending"
    assert not ModerationDecision.objects.exists()


def test_the_pending_count_counts_webmentions_with_comments(moderator_client):
    CommentFactory(status="pending")
    pending_mention()
    pending_mention(source="https://bob.example/reply", verified_at=None)  # not verified: unseen
    response = moderator_client.get(reverse("admin:index"))
    assertContains(response, "2 pending")


def test_a_mailed_link_opens_a_page_whose_button_decides_on_the_webmention(
    client, mail, mailed_moderator, other_site
):
    """The whole way: a reply is sent, the worker verifies it and mails the moderator, whose
    link shows the reply and one button; the button decides, logged as from a mailed link."""
    post = pending_mention().post  # a public post; that mention is Alice's, this one Bob's
    target = f"http://testserver{post.get_absolute_url()}"
    other_site.pages["/bob"] = Page(
        f'<div class="h-entry"><a class="p-author h-card" href="https://bob.example/">Bob</a>'
        f'<a class="u-in-reply-to" href="{target}">re</a>'
        '<p class="e-content">Seen from elsewhere, approve me.</p></div>'
    )
    response = client.post("/webmention/", {"source": other_site.url("/bob"), "target": target})
    assert response.status_code == 202
    [message] = mail.wait_for(MODERATOR_ADDRESS)
    assert subject_of(message) == f"Webmention awaiting moderation on “{post.title}”"
    assert "Seen from elsewhere, approve me." in text_of(message)
    link = decision_link(message, "Approve")
    page = client.get(link)
    assertContains(page, "Approve this webmention?")
    assertContains(page, "Seen from elsewhere, approve me.")
    assert not ModerationDecision.objects.exists()  # a mail scanner following it decides nothing
    decided = client.post(link)
    assertContains(decided, "Webmention approved")
    mention = Webmention.objects.get(source=other_site.url("/bob"))
    assert mention.status == "approved"
    [decision] = ModerationDecision.objects.of(mention)
    assert (decision.moderator, decision.channel) == (mailed_moderator, "mail")
    assertContains(client.post(link), "Already decided", status_code=409)


def test_a_moderator_who_chose_the_digest_finds_webmentions_in_it_and_no_mail_each(
    client, mail, mailed_moderator, other_site, capsys
):
    ModeratorPreference.objects.create(user=mailed_moderator, daily_digest=True)
    post = CommentFactory(status="pending", body="A comment waiting too.").post
    target = f"http://testserver{post.get_absolute_url()}"
    other_site.pages["/reply"] = Page(
        f'<div class="h-entry"><a class="u-in-reply-to" href="{target}">re</a>'
        '<p class="e-content">A webmention for the digest.</p></div>'
    )
    client.post("/webmention/", {"source": other_site.url("/reply"), "target": target})
    until(lambda: Webmention.objects.pending().exists(), "the worker to verify the mention")
    mail.drain()
    assert mail.to(MODERATOR_ADDRESS) == []
    call_command("mail_moderation_digest")
    assert "1 digest queued, 1 pending comment, 1 pending webmention." in capsys.readouterr().out
    [digest] = mail.wait_for(MODERATOR_ADDRESS)
    assert subject_of(digest) == "2 items await moderation"
    text = text_of(digest)
    assert "A comment waiting too." in text and "A webmention for the digest." in text
    assert text.count("/moderate/") == 6  # approve, spam and reject for each
    mention = Webmention.objects.get()
    assert Client().post(decision_link_for(digest, mention)).status_code == 200
    mention.refresh_from_db()
    assert mention.status == "spam"


def decision_link_for(digest, mention) -> str:
    """The digest's Spam link in the part about `mention`."""
    text = text_of(digest)
    url = re.findall(r"^Spam: (\S+)$", text[text.index(mention.source) :], re.MULTILINE)[0]
    return urlsplit(url).path


def test_a_status_chosen_on_a_webmentions_admin_page_is_a_logged_decision(
    moderator_client, moderator
):
    mention = pending_mention()
    url = reverse("admin:webmentions_webmention_change", args=[mention.pk])
    assert moderator_client.post(url, {"status": "spam"}).status_code == 302
    mention.refresh_from_db()
    assert mention.status == "spam"
    [decision] = ModerationDecision.objects.of(mention)
    assert (decision.moderator, decision.from_status, decision.to_status) == (
        moderator,
        "pending",
        "spam",
    )
