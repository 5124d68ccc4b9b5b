"""The Approve, Spam and Reject links in a moderator's mail, for an item of any moderated kind.

Each is signed for one moderator, one item, one decision and the item's decision count when the
mail was written: it expires after MAX_AGE (7 days), and dies as soon as anyone decides on
the item (an undo counts too, so an old link never comes back to life). An
`ops.signed_links.SignedLink`: a comment's payload is the previous release's, byte for byte;
another kind's adds its label as "k" (a payload without a kind means a comment).
"""

from datetime import timedelta

from django.core.exceptions import ObjectDoesNotExist

from moderation import Status, registry
from ops import signed_links

SALT = "comments.decision-link"
MAX_AGE = timedelta(days=7)
LINK = signed_links.SignedLink(SALT, "comments:decide", max_age=MAX_AGE)
DECISIONS = {
    "approve": Status.APPROVED,
    "spam": Status.SPAM,
    "reject": Status.REJECTED,
}
COMMENT = "comments.comment"


BadLink = signed_links.BadLink


def decision_url(item, moderator, action: str) -> str:
    kind = registry.moderator_for(item)
    payload = {"c": item.pk, "u": moderator.pk, "a": action, "n": kind.decision_count(item)}
    if kind.label != COMMENT:
        payload["k"] = kind.label
    return LINK.url(payload)


def read(token: str) -> dict:
    """{"item", "comment" (the same, by its old name), "kind", "moderator_pk", "action",
    "status", "decision_count"}; raises BadLink."""
    try:
        payload = LINK.read(token)
        kind = registry.by_label(str(payload.get("k", COMMENT)))
        item = kind.queryset().get(pk=int(payload["c"]))
        action = payload["a"]
        return {
            "item": item,
            "comment": item,
            "kind": kind,
            "moderator_pk": int(payload["u"]),
            "action": action,
            "status": DECISIONS[action],
            "decision_count": int(payload["n"]),
        }
    except (ObjectDoesNotExist, KeyError, TypeError, ValueError, AttributeError) as error:
        raise BadLink from error
