"""The signed links in mail to readers. Each kind has its own salt, so a link does one thing; each
names one address or one subscription; none carries anything a reader could change.

- confirm: names the address and the date of the confirmation mail it came in; good for
  NOTIFICATIONS_CONFIRM_DAYS, and only while that confirmation is the one in force. Signed
  without a timestamp, so that mailing it again (after a day) sends the same link.
- unsubscribe (one subscription), unsubscribe from new posts (one newsletter subscription) and
  stop all mail (one address): no time limit, since a mail client's one-click unsubscribe (RFC
  8058) must work from however old a mail; each ends with what it names (its row, whose id is
  never used again, so re-subscribing gives new links and old ones stay spent).
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from notifications.models import Address, DataLink

CONFIRM = signing.Signer(salt="notifications.confirm")


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


class IdLink:
    """A link naming one row by its id, signed with a salt of its own; it never expires."""

    def __init__(self, salt: str, url_name: str):
        self.signer = signing.Signer(salt=salt)
        self.url_name = url_name

    def url(self, pk: int) -> str:
        return absolute(reverse(self.url_name, args=[self.signer.sign(pk)]))

    def pk(self, token: str) -> int | None:
        try:
            return int(self.signer.unsign(token))
        except (signing.BadSignature, ValueError):
            return None


UNSUBSCRIBE = IdLink("notifications.unsubscribe", "notifications:unsubscribe")  # a subscription
UNSUBSCRIBE_NEW_POSTS = IdLink(  # a newsletter subscription
    "notifications.unsubscribe-new-posts", "notifications:unsubscribe-new-posts"
)
STOP_ALL = IdLink("notifications.stop-all", "notifications:stop-all")  # an address


PUBLISH_SALT = "notifications.publish"
PUBLISH_MAX_AGE = timedelta(days=7)


def publish_url(comment) -> str:
    """A trusted writer's "publish my comment" link: one comment, while nobody has decided on
    it (its decision count), for PUBLISH_MAX_AGE."""
    token = signing.dumps({"c": comment.pk, "n": comment.decision_count}, salt=PUBLISH_SALT)
    return absolute(reverse("notifications:publish", args=[token]))


def comment_to_publish(token: str):
    """The comment a publish link names while it is good; None otherwise."""
    try:
        payload = signing.loads(token, salt=PUBLISH_SALT, max_age=PUBLISH_MAX_AGE)
        comment = Comment.objects.select_related("post").filter(pk=int(payload["c"])).first()
        count = int(payload["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if comment is None or comment.decision_count != count:
        return None
    return comment


DATA_SALT = "notifications.your-data"
DATA_MAX_AGE = timedelta(hours=1)


def data_url(email: str) -> str:
    """The "Your comments and data" link: one address, an hour, until its data is deleted."""
    link = DataLink.objects.create(email=email)
    token = signing.dumps(str(link.pk), salt=DATA_SALT)
    return absolute(reverse("notifications:your-data-page", args=[token]))


def data_link(token: str) -> DataLink | None:
    try:
        pk = signing.loads(token, salt=DATA_SALT, max_age=DATA_MAX_AGE)
        return DataLink.objects.filter(pk=str(pk)).first()
    except (signing.BadSignature, TypeError, ValueError, ValidationError):
        return None
