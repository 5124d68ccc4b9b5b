"""The signed links in mail: a GET changes nothing, only a button's POST acts; a link does one
thing for one address, expires when it should, and needs no cookie or log-in."""

import re
from datetime import timedelta
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains

from notifications import links
from notifications.models import Address, Subscription
from notifications.tasks import announce, subscribe
from ops.models import OutgoingMail
from tests.support.factories import CommentFactory, PostFactory
from tests.support.forms import find_form
from tests.support.mail import subscribed

REFUSED = "This link is not valid: it may have expired, or a newer one was sent."


@pytest.fixture
def browser():
    """A browser with no cookie that checks CSRF as a real one is checked: these pages must
    work from a link in a mail, with nothing else."""
    return Client(enforce_csrf_checks=True)


def path_of(url: str) -> str:
    return urlsplit(url).path


def waiting_address(email="ada@example.com", sent_at=None):
    """An address that asked to follow a post and was mailed its confirmation at `sent_at`."""
    sent_at = sent_at or timezone.now()
    address = Address.objects.create(
        email=email, confirmation_sent_at=sent_at, confirmation_mailed_at=sent_at
    )
    Subscription.objects.create(address=address, post=PostFactory(title="On linkers"))
    return address


def mailed_links(subscription) -> tuple[str, str]:
    """The paths of the unsubscribe and stop-all links in a notification the worker builds for
    `subscription` (about a new approved comment by someone else)."""
    comment = CommentFactory(post=subscription.post, parent=subscription.thread)
    announce.call([comment.pk])
    mail = OutgoingMail.objects.filter(to=subscription.address.email).latest("pk")
    unsubscribe = mail.headers["List-Unsubscribe"].strip("<>")
    [stop_all] = re.findall(r"^Stop all mail from .*: (\S+)$", mail.body_text, re.MULTILINE)
    return path_of(unsubscribe), path_of(stop_all)


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def assert_refused(response):
    assertContains(response, "Link not valid", status_code=400)
    assertContains(response, REFUSED, status_code=400)
    assert 'class="mail-action"' not in response.content.decode()  # no button to press


def test_opening_a_confirm_link_confirms_nothing_its_button_does(browser, db):
    address = waiting_address()
    url = path_of(links.confirm_url(address))

    page = browser.get(url)
    assertContains(page, "Confirm your address")
    assertContains(page, "Press the button to receive mail from us at ada@example.com")
    assertContains(page, "new comments on “On linkers”")
    assert find_form(page.content.decode(), url).action == url
    assertContains(page, '<button type="submit">Confirm my address</button>', html=True)
    address.refresh_from_db()
    assert address.confirmed_at is None
    assert not Subscription.objects.active().exists()
    assert page.cookies == {}

    confirmed = browser.post(url)
    assertContains(confirmed, "Thank you: ada@example.com is confirmed.")
    address.refresh_from_db()
    assert address.confirmed_at is not None
    assert Subscription.objects.active().count() == 1


def test_a_forged_confirm_link_is_refused(browser, db):
    address = waiting_address()
    token = token_of(path_of(links.confirm_url(address)))
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    # Good links of other kinds, for this very address, do not confirm it.
    other_kinds = map(token_of, mailed_links(subscribed("ada@example.com", PostFactory())))
    Address.objects.filter(pk=address.pk).update(confirmed_at=None)
    for bad in (forged, *other_kinds, "nonsense"):
        assert_refused(browser.get(f"/mail/confirm/{bad}/"))
        assert_refused(browser.post(f"/mail/confirm/{bad}/"))
    address.refresh_from_db()
    assert address.confirmed_at is None


def test_a_confirm_link_expires_after_notifications_confirm_days(browser, db):
    days = timedelta(days=settings.NOTIFICATIONS_CONFIRM_DAYS)
    # The confirmation in force was mailed just longer ago than a link lives.
    expired = waiting_address(sent_at=timezone.now() - days - timedelta(minutes=1))
    url = path_of(links.confirm_url(expired))
    assert_refused(browser.get(url))
    assert_refused(browser.post(url))
    expired.refresh_from_db()
    assert expired.confirmed_at is None

    # Just younger than that, it still works.
    fresh = waiting_address("bea@example.com", sent_at=timezone.now() - days + timedelta(minutes=1))
    assert browser.post(path_of(links.confirm_url(fresh))).status_code == 200
    fresh.refresh_from_db()
    assert fresh.confirmed_at is not None


def test_a_superseded_confirm_link_is_refused(browser, db):
    address = waiting_address(sent_at=timezone.now() - timedelta(days=2))
    old_url = path_of(links.confirm_url(address))
    address.confirmation_sent_at = timezone.now()  # a newer confirmation was mailed
    address.save()
    assert_refused(browser.get(old_url))
    assert_refused(browser.post(old_url))
    address.refresh_from_db()
    assert address.confirmed_at is None
    assertContains(browser.get(path_of(links.confirm_url(address))), "Confirm my address")


def test_the_unsubscribe_page_shows_a_button_and_changes_nothing_until_pressed(browser, db):
    subscription = subscribed("ada@example.com", PostFactory(title="On linkers"))
    url, _ = mailed_links(subscription)

    page = browser.get(url)
    assertContains(page, "Stop emailing ada@example.com about new comments on “On linkers”?")
    assertContains(page, '<button type="submit">Stop these emails</button>', html=True)
    assert Subscription.objects.filter(pk=subscription.pk).exists()

    stopped = browser.post(url)  # no cookie, no log-in, no CSRF token: the signed link is all
    assertContains(stopped, "We will not email ada@example.com about new comments on “On linkers”")
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    assertContains(browser.post(url), "These emails were stopped already.")
    assertContains(browser.get(url), "These emails were stopped already.")


def test_one_click_unsubscribe_as_a_mail_provider_sends_it(browser, db):
    """RFC 8058: a POST of List-Unsubscribe=One-Click, no cookie, no Referer."""
    subscription = subscribed("ada@example.com", PostFactory())
    kept = subscribed("ada@example.com", PostFactory())
    response = browser.post(
        mailed_links(subscription)[0],
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assertContains(response, "We will not email ada@example.com about")
    assert list(Subscription.objects.all()) == [kept]
    assert Address.objects.get().confirmed_at is not None  # only that subscription stopped


def test_a_forged_unsubscribe_or_stop_all_link_is_refused(browser, db):
    subscription = subscribed("ada@example.com", PostFactory())
    unsubscribe, stop_all = map(token_of, mailed_links(subscription))
    for path in (
        f"/mail/unsubscribe/{unsubscribe[:-2]}xx/",
        f"/mail/unsubscribe/{stop_all}/",  # a good link of another kind does not do this one
        f"/mail/stop/{stop_all[:-2]}xx/",
        f"/mail/stop/{unsubscribe}/",
    ):
        assert_refused(browser.get(path))
        assert_refused(browser.post(path))
    assert Subscription.objects.active().count() == 1


def test_stop_all_ends_every_subscription_and_the_address_must_confirm_again(
    browser, db, django_capture_on_commit_callbacks
):
    post = PostFactory(title="On linkers")
    thread = CommentFactory(post=post)
    mine = [
        subscribed("ada@example.com", post),
        subscribed("ada@example.com", post, thread=thread),
        subscribed("ada@example.com", PostFactory()),
    ]
    theirs = subscribed("bea@example.com", post)
    address = mine[0].address
    _, url = mailed_links(mine[1])
    OutgoingMail.objects.all().delete()

    page = browser.get(url)
    assertContains(page, "Stop all mail from us to ada@example.com?")
    assertContains(page, '<button type="submit">Stop all mail</button>', html=True)
    assert Subscription.objects.count() == 4

    stopped = browser.post(url)
    assertContains(stopped, "We will not email ada@example.com any more")
    assert list(Subscription.objects.all()) == [theirs]
    address.refresh_from_db()
    assert address.confirmed_at is None

    # Asking again, even from the browser that confirmed it, takes a new confirmation
    # (mailed at most once a day: the last one is moved back a day so that it is sent now).
    Address.objects.filter(pk=address.pk).update(
        confirmation_mailed_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    subscribe.call(email="ada@example.com", post_id=post.pk, thread_id=None, marks=[address.pk])
    assert not Subscription.objects.active().filter(address=address).exists()
    [confirmation] = OutgoingMail.objects.filter(to="ada@example.com")
    assert confirmation.subject.startswith("Confirm your address")


def test_a_mailed_confirm_link_works_for_at_least_a_day_after_it_is_mailed(browser, db):
    """A repeat request re-sends the link in force, and the address can get no other mail for a
    day: so a link must still work a day after any mailing, however old the confirmation is.
    (The mail says it works for NOTIFICATIONS_CONFIRM_DAYS days.)"""
    days = timedelta(days=settings.NOTIFICATIONS_CONFIRM_DAYS)
    now = timezone.now()
    # The confirmation in force was first mailed an hour short of the link's life ago, and last
    # mailed two days ago: asking again now mails it again.
    address = waiting_address(sent_at=now - days + timedelta(hours=1))
    Address.objects.filter(pk=address.pk).update(confirmation_mailed_at=now - timedelta(days=2))
    post = Subscription.objects.get().post
    subscribe.call(email=address.email, post_id=post.pk, thread_id=None, marks=[])
    [mail] = OutgoingMail.objects.filter(to=address.email)
    [url] = re.findall(r"https?://\S+/mail/confirm/\S+/", mail.body_text)
    assertContains(browser.get(path_of(url)), "Confirm my address")

    # The reader opens it the same evening, 23 hours later, as the one-a-day rule lets them.
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(hours=23)):
        opened = browser.get(path_of(url))
    assertContains(opened, "Confirm my address")
