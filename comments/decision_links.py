"""The Approve, Spam and Reject links in a moderator's mail.

Each is signed for one moderator, one comment, one decision and the comment's decision count
when the mail was written: it expires after DECISION_LINK_MAX_AGE, and dies as soon as anyone
decides on the comment (an undo counts too, so an old link never comes back to life).
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from comments.models import Comment

SALT = "comments.decision-link"
MAX_AGE = timedelta(days=7)
DECISIONS = {
    "approve": Comment.Status.APPROVED,
    "spam": Comment.Status.SPAM,
    "reject": Comment.Status.REJECTED,
}


class BadLink(Exception):
    pass


def decision_url(comment: Comment, moderator, action: str) -> str:
    payload = {"c": comment.pk, "u": moderator.pk, "a": action, "n": comment.decision_count}
    token = signing.dumps(payload, salt=SALT)
    return settings.SITE_URL + reverse("comments:decide", args=[token])


def read(token: str) -> dict:
    """{"comment", "moderator_pk", "action", "status", "decision_count"}; raises BadLink."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        comment = Comment.objects.select_related("post").get(pk=int(payload["c"]))
        action = payload["a"]
        return {
            "comment": comment,
            "moderator_pk": int(payload["u"]),
            "action": action,
            "status": DECISIONS[action],
            "decision_count": int(payload["n"]),
        }
    except (signing.BadSignature, Comment.DoesNotExist, KeyError, TypeError, ValueError) as error:
        raise BadLink from error
