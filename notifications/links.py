"""The signed links in mail to readers. Each kind has its own salt, so a link does one thing; each
names one address or one subscription; none carries anything a reader could change.

- confirm: names the address and the date of the confirmation mail it came in; good for
  NOTIFICATIONS_CONFIRM_DAYS, and only while that confirmation is the one in force. Signed
  without a timestamp, so that mailing it again (after a day) sends the same link.
- unsubscribe (one subscription) and stop all mail (one address): never expire.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from notifications.models import Address, Subscription

CONFIRM = signing.Signer(salt="notifications.confirm")
UNSUBSCRIBE = signing.Signer(salt="notifications.unsubscribe")
STOP_ALL = signing.Signer(salt="notifications.stop-all")


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def confirm_url(address: Address) -> str:
    token = CONFIRM.sign_object({"a": address.pk, "s": address.confirmation_sent_at.timestamp()})
    return absolute(reverse("notifications:confirm", args=[token]))


def confirmation_expires_at(address: Address) -> datetime:
    return address.confirmation_sent_at + timedelta(days=settings.NOTIFICATIONS_CONFIRM_DAYS)


def address_to_confirm(token: str) -> Address | None:
    """The address a confirm link names, while that link is good; None otherwise."""
    try:
        payload = CONFIRM.unsign_object(token)
        address = Address.objects.filter(pk=int(payload["a"])).first()
        sent_at = datetime.fromtimestamp(float(payload["s"]), tz=UTC)
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return None
    if address is None or address.confirmation_sent_at != sent_at:
        return None
    if timezone.now() > confirmation_expires_at(address):
        return None
    return address


def unsubscribe_url(subscription: Subscription) -> str:
    return absolute(reverse("notifications:unsubscribe", args=[UNSUBSCRIBE.sign(subscription.pk)]))


def subscription_pk(token: str) -> int | None:
    try:
        return int(UNSUBSCRIBE.unsign(token))
    except (signing.BadSignature, ValueError):
        return None


def stop_all_url(address: Address) -> str:
    return absolute(reverse("notifications:stop-all", args=[STOP_ALL.sign(address.pk)]))


def address_pk(token: str) -> int | None:
    try:
        return int(STOP_ALL.unsign(token))
    except (signing.BadSignature, ValueError):
        return None
