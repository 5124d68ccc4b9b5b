"""The signed links in mail to readers. Each kind has its own salt, so a link does one thing; each
names one address or one subscription; none carries anything a reader could change.

- confirm: names the address and the date of the confirmation mail it came in; good for
  NOTIFICATIONS_CONFIRM_DAYS, and only while that confirmation is the one in force. Signed
  without a timestamp, so that mailing it again (after a day) sends the same link.
- unsubscribe (one subscription), unsubscribe from new posts (one newsletter subscription) and
  stop all mail (one address): no time limit, since a mail client's one-click unsubscribe (RFC
  8058) must work from however old a mail; each ends with what it names (its row, whose id is
  never used again, so re-subscribing gives new links and old ones stay spent).
- publish (one pending comment, 7 days) and your data (one DataLink, an hour).

Every kind is an `ops.signed_links.SignedLink`: its salt and payload shape are those of the
links already mailed, so never change them.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from comments.models import Comment
from notifications.models import Address, DataLink
from ops.signed_links import BadLink, SignedLink

# Its age is counted from the confirmation mail it names (`confirmation_sent_at`), not from
# signing: mailing it again sends the same link.
CONFIRM = SignedLink("notifications.confirm", "notifications:confirm")


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def confirm_url(address: Address) -> str:
    return CONFIRM.url({"a": address.pk, "s": address.confirmation_sent_at.timestamp()})


def confirmation_expires_at(address: Address) -> datetime:
    return address.confirmation_sent_at + timedelta(days=settings.NOTIFICATIONS_CONFIRM_DAYS)


def address_to_confirm(token: str) -> Address | None:
    """The address a confirm link names, while that link is good; None otherwise."""
    try:
        payload = CONFIRM.read(token)
        address = Address.objects.filter(pk=int(payload["a"])).first()
        sent_at = datetime.fromtimestamp(float(payload["s"]), tz=UTC)
    except (BadLink, KeyError, TypeError, ValueError, OverflowError):
        return None
    if address is None or address.confirmation_sent_at != sent_at:
        return None
    if timezone.now() > confirmation_expires_at(address):
        return None
    return address


class IdLink(SignedLink):
    """A link naming one row by its id (`id:signature`), signed with a salt of its own; it never
    expires (RFC 8058)."""

    def __init__(self, salt: str, url_name: str):
        super().__init__(salt, url_name, text=True)

    def pk(self, token: str) -> int | None:
        try:
            return int(self.read(token))
        except (BadLink, ValueError):
            return None


UNSUBSCRIBE = IdLink("notifications.unsubscribe", "notifications:unsubscribe")  # a subscription
UNSUBSCRIBE_NEW_POSTS = IdLink(  # a newsletter subscription
    "notifications.unsubscribe-new-posts", "notifications:unsubscribe-new-posts"
)
STOP_ALL = IdLink("notifications.stop-all", "notifications:stop-all")  # an address


PUBLISH_SALT = "notifications.publish"
PUBLISH_MAX_AGE = timedelta(days=7)
PUBLISH = SignedLink(PUBLISH_SALT, "notifications:publish", max_age=PUBLISH_MAX_AGE)


def publish_url(comment) -> str:
    """A trusted writer's "publish my comment" link: one comment, while nobody has decided on
    it (its decision count), for PUBLISH_MAX_AGE."""
    return PUBLISH.url({"c": comment.pk, "n": comment.decision_count})


def comment_to_publish(token: str):
    """The comment a publish link names while it is good; None otherwise."""
    try:
        payload = PUBLISH.read(token)
        comment = Comment.objects.select_related("post").filter(pk=int(payload["c"])).first()
        count = int(payload["n"])
    except (BadLink, KeyError, TypeError, ValueError):
        return None
    if comment is None or comment.decision_count != count:
        return None
    return comment


DATA_SALT = "notifications.your-data"
DATA_MAX_AGE = timedelta(hours=1)
DATA = SignedLink(DATA_SALT, "notifications:your-data-page", max_age=DATA_MAX_AGE)


def data_url(email: str) -> str:
    """The "Your comments and data" link: one address, an hour, until its data is deleted."""
    link = DataLink.objects.create(email=email)
    return DATA.url(str(link.pk))


def data_link(token: str) -> DataLink | None:
    try:
        pk = DATA.read(token)
        return DataLink.objects.filter(pk=str(pk)).first()
    except (BadLink, TypeError, ValueError, ValidationError):
        return None
