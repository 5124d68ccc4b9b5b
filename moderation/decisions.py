"""A moderator's decisions on items of any kind: made, logged, and undone within a day."""

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from moderation.models import ModerationDecision
from moderation.registry import registry
from moderation.vocabulary import Status


class TooLateToUndo(Exception):
    """Undone already, decided again since, or decided more than UNDO_WINDOW ago."""


def logger_for(moderator):
    return logging.getLogger(f"{moderator.model._meta.app_label}.moderation")


def decide(items, status: str, moderator, channel=ModerationDecision.Channel.ADMIN) -> int:
    """Give the items of a queryset (of one registered kind) a status, recording each decision
    (who, when, from what status) and counting it on the item; return how many. `moderator` is
    None when the writer's own proof decided (a trusted writer's "publish my comment" link).

    Those it makes public are announced together once committed (the kind's `published`)."""
    kind = registry.moderator_for(items.model)
    model, field = kind.model, kind.status_field
    now = timezone.now()
    with transaction.atomic():
        pks = list(items.values_list("pk", flat=True))
        list(model._default_manager.filter(pk__in=pks).select_for_update().values_list("pk"))
        # Read again under the lock: a condition of `items` (a mailed link's decision count)
        # must still hold when the decision is written.
        chosen = model._default_manager.filter(pk__in=pks).filter(pk__in=items.values("pk"))
        before = dict(chosen.values_list("pk", field))
        model._default_manager.filter(pk__in=before).update(
            **{field: status}, **kind.decision_updates(status, moderator, now)
        )
        content_type = ContentType.objects.get_for_model(model)
        ModerationDecision.objects.bulk_create(
            ModerationDecision(
                content_type=content_type,
                object_id=pk,
                moderator=moderator,
                from_status=previous,
                to_status=status,
                channel=channel,
                decided_at=now,
            )
            for pk, previous in before.items()
        )
        published = [
            pk for pk, previous in before.items()
            if status == Status.APPROVED and previous != status
        ]  # fmt: skip
        if published:
            transaction.on_commit(lambda: kind.published(published))
    who = moderator.get_username() if moderator else "its trusted writer"
    for pk in before:
        logger_for(kind).info("%s %s set to %s by %s", kind.noun, pk, status, who)
    return len(before)


def undo(decision: ModerationDecision, moderator) -> None:
    """Give the item back the status it had before `decision`, and record who undid it. Mail
    already sent stays sent. Raises TooLateToUndo."""
    now = timezone.now()
    with transaction.atomic():
        decision = ModerationDecision.objects.select_for_update().get(pk=decision.pk)
        item = decision.item()
        if item is None:
            raise TooLateToUndo
        kind = registry.moderator_for(item)
        item = kind.model._default_manager.select_for_update().get(pk=item.pk)
        latest = ModerationDecision.objects.of(item).filter(undone_at=None).first()
        if latest != decision or not decision.can_be_undone(now):
            raise TooLateToUndo
        status = kind.undo_status(item, decision.from_status)
        updates = kind.decision_updates(status, moderator, now)
        kind.model._default_manager.filter(pk=item.pk).update(
            **{kind.status_field: status}, **updates
        )
        decision.undone_by, decision.undone_at = moderator, now
        decision.save(update_fields=["undone_by", "undone_at"])
    logger_for(kind).info(
        "%s %s set back to %s by %s (undo)",
        kind.noun,
        item.pk,
        decision.from_status,
        moderator.get_username(),
    )


def decide_one(item, status, moderator, channel=ModerationDecision.Channel.ADMIN) -> int:
    kind = registry.moderator_for(item)
    return decide(kind.queryset().filter(pk=item.pk), status, moderator, channel)


def bump(item) -> None:
    """An item's text changed: the mailed links about it die (its decision count moves)."""
    if hasattr(item, "decision_count"):
        type(item)._default_manager.filter(pk=item.pk).update(
            decision_count=F("decision_count") + 1
        )
