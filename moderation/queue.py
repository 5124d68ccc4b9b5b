"""The moderators' one queue: every pending item of every registered kind, newest first, each
with what a moderator needs to decide at a glance (why it waits, who wrote it before)."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.text import Truncator

from moderation.registry import registry
from moderation.vocabulary import Status

# The most rows one page shows: a queue longer than this is worked through from the top.
QUEUE_LENGTH = 100

# A row's buttons: the POSTed decision, the status it gives, its label and its past tense.
DECISIONS = {
    "approve": (Status.APPROVED, "Approve", "approved"),
    "reject": (Status.REJECTED, "Reject", "rejected"),
    "spam": (Status.SPAM, "Spam", "marked as spam"),
}


@dataclass
class Row:
    item: object
    kind: object
    excerpt: str
    author: str
    source: str
    post: object
    created_at: object
    reason: str
    history: str

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def admin_url(self) -> str:
        return self.kind.admin_url(self.item)


def writer_history(item) -> str:
    """What else the item's writer sent, of every kind, by status ("2 approved, 1 spam"): the
    same identity (ops.addresses) for every kind that keeps one, and whatever else the item's
    own kind counts as the same writer (its client address, its author's site)."""
    kind = registry.moderator_for(item)
    address = kind.identity(item)
    counts = Counter()
    for other in registry:
        if other is kind:
            same = other.queryset().filter(kind.same_writer(item)).exclude(pk=item.pk)
        elif address and other.identity_field:
            same = other.queryset().filter(Q(**{other.identity_field: address}))
        else:
            continue
        by_status = same.order_by().values(other.status_field).annotate(n=Count("pk"))
        counts.update({row[other.status_field]: row["n"] for row in by_status})
    if not counts:
        return "Nothing else from this writer"
    return ", ".join(
        f"{counts[status]} {Status(status).label.lower()}" for status in Status if counts[status]
    )


def rows(limit: int = QUEUE_LENGTH) -> list[Row]:
    """The newest `limit` pending items of every kind, newest first."""
    newest = []
    for kind in registry:
        pending = kind.pending().order_by(f"-{kind.created_field}", "-pk")
        if "post" in {f.name for f in kind.model._meta.get_fields()}:
            pending = pending.select_related("post")
        newest += list(pending[:limit])
    newest.sort(key=lambda item: registry.moderator_for(item).created_at(item), reverse=True)
    return [row(item) for item in newest[:limit]]


def row(item) -> Row:
    kind = registry.moderator_for(item)
    return Row(
        item=item,
        kind=kind,
        excerpt=Truncator(kind.excerpt(item)).chars(280),
        author=kind.author(item),
        source=kind.source(item),
        post=kind.post(item),
        created_at=kind.created_at(item),
        reason=kind.reason(item),
        history=writer_history(item),
    )
