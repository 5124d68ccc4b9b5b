"""Every mailed link is one `ops.signed_links.SignedLink`: links already in readers' and
moderators' inboxes keep working (each kind's salt and payload shape, byte for byte), a link of
one kind never works as another, and unsubscribe links never expire (RFC 8058)."""

import time
from datetime import timedelta
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from comments import decision_links
from notifications import links
from notifications.models import Address, DataLink, NewPostSubscription, Subscription
from ops.signed_links import BadLink
from tests.support.factories import CommentFactory, PostFactory

NOT_VALID = "Link not valid"


@pytest.fixture
def address(db):
    sent_at = timezone.now()
    return Address.objects.create(
        email="ada@example.com", confirmation_sent_at=sent_at, confirmation_mailed_at=sent_at
    )


def opens(client, url_name, token):
    """The page behind a mailed link, as a mail reader opens it."""
    response = client.get(reverse(url_name, args=[token]))
    assert response.status_code == 200, response.content.decode()
    assert NOT_VALID not in response.content.decode()
    return response


# Each token below is made exactly as the previous release made it, with django.core.signing.


def test_a_confirm_link_already_mailed_still_confirms(client, address):
    token = signing.Signer(salt="notifications.confirm").sign_object(
        {"a": address.pk, "s": address.confirmation_sent_at.timestamp()}
    )
    assert token == urlsplit(links.confirm_url(address)).path.split("/")[-2]
    assertContains(opens(client, "notifications:confirm", token), "Confirm your address")


def test_an_unsubscribe_link_already_mailed_still_unsubscribes(client, address):
    subscription = Subscription.objects.create(address=address, post=PostFactory())
    token = signing.Signer(salt="notifications.unsubscribe").sign(subscription.pk)
    assertContains(opens(client, "notifications:unsubscribe", token), "Stop these emails")
    client.post(reverse("notifications:unsubscribe", args=[token]))
    assert not Subscription.objects.exists()


def test_a_newsletter_unsubscribe_link_already_mailed_still_unsubscribes(client, address):
    subscription = NewPostSubscription.objects.create(address=address)
    token = signing.Signer(salt="notifications.unsubscribe-new-posts").sign(subscription.pk)
    assertContains(opens(client, "notifications:unsubscribe-new-posts", token), "Unsubscribe")


def test_a_stop_all_link_already_mailed_still_stops_all_mail(client, address):
    token = signing.Signer(salt="notifications.stop-all").sign(address.pk)
    assertContains(opens(client, "notifications:stop-all", token), "Stop all mail")


def test_a_publish_link_already_mailed_still_offers_to_publish(client, db):
    comment = CommentFactory(status="pending")
    token = signing.dumps(
        {"c": comment.pk, "n": comment.decision_count}, salt="notifications.publish"
    )
    assertContains(opens(client, "notifications:publish", token), "Publish my comment")


def test_a_data_link_already_mailed_still_shows_the_data(client, db):
    link = DataLink.objects.create(email="ada@example.com")
    token = signing.dumps(str(link.pk), salt="notifications.your-data")
    assertContains(opens(client, "notifications:your-data-page", token), "ada@example.com")


def test_a_decision_link_already_mailed_still_offers_the_decision(client, moderator):
    comment = CommentFactory(status="pending")
    payload = {"c": comment.pk, "u": moderator.pk, "a": "approve", "n": comment.decision_count}
    token = signing.dumps(payload, salt="comments.decision-link")
    assertContains(opens(client, "comments:decide", token), "Approve this comment?")


KINDS = {
    "confirm": links.CONFIRM,
    "unsubscribe": links.UNSUBSCRIBE,
    "unsubscribe from new posts": links.UNSUBSCRIBE_NEW_POSTS,
    "stop all": links.STOP_ALL,
    "publish": links.PUBLISH,
    "your data": links.DATA,
    "decision": decision_links.LINK,
}


@pytest.mark.parametrize("made_for", KINDS)
def test_a_link_of_one_kind_is_refused_by_every_other_kind(made_for):
    token = KINDS[made_for].token("1" if KINDS[made_for].text else {"c": 1, "a": 1, "n": 0})
    assert KINDS[made_for].read(token)
    for name, kind in KINDS.items():
        if name != made_for:
            with pytest.raises(BadLink):
                kind.read(token)


def test_an_unsubscribe_link_put_in_a_stop_all_address_is_refused(client, address):
    subscription = Subscription.objects.create(address=address, post=PostFactory())
    token = links.UNSUBSCRIBE.token(subscription.pk)
    response = client.get(reverse("notifications:stop-all", args=[token]))
    assertContains(response, NOT_VALID, status_code=400)


def test_a_decision_link_is_refused_once_its_seven_days_are_over(client, moderator):
    comment = CommentFactory(status="pending")
    url = decision_links.decision_url(comment, moderator, "approve")
    eight_days_on = time.time() + timedelta(days=8).total_seconds()
    with mock.patch.object(signing.time, "time", return_value=eight_days_on):
        response = client.get(urlsplit(url).path)
    assertContains(response, NOT_VALID, status_code=400)


@pytest.mark.parametrize("kind", ["unsubscribe", "unsubscribe from new posts", "stop all"])
def test_a_link_that_stops_mail_still_works_from_a_mail_ten_years_old(kind, address):
    """RFC 8058: a one-click unsubscribe must work from however old a mail."""
    token = KINDS[kind].token(address.pk)
    ten_years_on = time.time() + timedelta(days=3650).total_seconds()
    with mock.patch.object(signing.time, "time", return_value=ten_years_on):
        assert KINDS[kind].pk(token) == address.pk
