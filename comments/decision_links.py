"""The Approve, Spam and Reject links in a moderator's mail.

Each is signed for one moderator, one comment, one decision and the comment's decision count
when the mail was written: it expires after DECISION_LINK_MAX_AGE, and dies as soon as anyone
decides on the comment (an undo counts too, so an old link never comes back to life).
An `ops.signed_links.SignedLink`: its salt and payload shape are those of links already mailed
(a payload without a kind is about a comment).
"""

from datetime import timedelta

from comments.models import Comment
from ops import signed_links

SALT = "comments.decision-link"
MAX_AGE = timedelta(days=7)
LINK = signed_links.SignedLink(SALT, "comments:decide", max_age=MAX_AGE)
DECISIONS = {
    "approve": Comment.Status.APPROVED,
    "spam": Comment.Status.SPAM,
    "reject": Comment.Status.REJECTED,
}


BadLink = signed_links.BadLink


def decision_url(comment: Comment, moderator, action: str) -> str:
    payload = {"c": comment.pk, "u": moderator.pk, "a": action, "n": comment.decision_count}
    return LINK.url(payload)


def read(token: str) -> dict:
    """{"comment", "moderator_pk", "action", "status", "decision_count"}; raises BadLink."""
    try:
        payload = LINK.read(token)
        comment = Comment.objects.select_related("post").get(pk=int(payload["c"]))
        action = payload["a"]
        return {
            "comment": comment,
            "moderator_pk": int(payload["u"]),
            "action": action,
            "status": DECISIONS[action],
            "decision_count": int(payload["n"]),
        }
    except (BadLink, Comment.DoesNotExist, KeyError, TypeError, ValueError) as error:
        raise BadLink from error
