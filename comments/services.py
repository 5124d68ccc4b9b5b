"""What happens to a comment: submitted by a reader, moderated by a moderator."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from comments import spam_rules
from comments.models import Comment
from comments.permissions import is_moderator
from comments.signals import comments_published
from ops.mail import send_later

logger = logging.getLogger("comments")
moderation_logger = logging.getLogger("comments.moderation")

USER_AGENT_MAX_LENGTH = Comment._meta.get_field("user_agent").max_length


class FloodLimitExceeded(Exception):
    """Too many comments from one address in the flood window: nothing was stored."""


def flood_limit_reached(ip_address: str | None, now: datetime) -> bool:
    """Whether this address already sent COMMENTS_FLOOD_LIMIT comments within the window.

    Counted in PostgreSQL, so the limit holds across workers and hosts. Call inside a transaction
    that then stores the comment: the advisory lock makes concurrent submissions from one
    address, on any worker or host, count one after the other.
    """
    if ip_address is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"comments.flood:{ip_address}"],
        )
    window_start = now - timedelta(seconds=settings.COMMENTS_FLOOD_WINDOW_SECONDS)
    recent = Comment.objects.filter(ip_address=ip_address, created_at__gte=window_start)
    return recent.count() >= settings.COMMENTS_FLOOD_LIMIT


def submit_comment(
    *,
    post,
    submission: spam_rules.Submission,
    parent: Comment | None = None,
    notify_writer: bool = False,
    ip_address: str | None,
    user_agent: str = "",
    user=None,
) -> Comment:
    """Store a comment, decide its status, record why, and tell the moderators.

    A moderator's own comment is published at once. Anyone else's is spam if an anti-spam rule
    catches it and pending otherwise; pending comments are mailed to MODERATOR_EMAILS (through
    the queue, in the same transaction). Raises FloodLimitExceeded (storing nothing) past the
    flood limit.
    """
    now = timezone.now()
    with transaction.atomic():
        if is_moderator(user):
            verdict = spam_rules.Verdict(Comment.Status.APPROVED)
        elif flood_limit_reached(ip_address, now):
            raise FloodLimitExceeded
        else:
            verdict = spam_rules.check(submission)
        approved = verdict.status == Comment.Status.APPROVED
        comment = Comment.objects.create(
            post=post,
            parent=parent,
            user=user if user is not None and user.is_authenticated else None,
            name=submission.name,
            email=submission.email,
            body=submission.body,
            notify_writer=notify_writer,
            status=verdict.status,
            status_reason=verdict.reason,
            created_at=now,
            ip_address=ip_address,
            user_agent=user_agent[:USER_AGENT_MAX_LENGTH],
            moderated_by=user if approved else None,
            moderated_at=now if approved else None,
        )
        if comment.status == Comment.Status.PENDING:
            notify_moderators(comment)
        if approved:
            transaction.on_commit(
                lambda: comments_published.send(sender=Comment, comment_ids=[comment.pk])
            )
    logger.info(
        "comment %s on post %s stored as %s (reason: %s)",
        comment.pk,
        post.pk,
        comment.status,
        verdict.reason or "none",
    )
    return comment


def notify_moderators(comment: Comment) -> None:
    """Queue a mail to each of MODERATOR_EMAILS about a new pending comment."""
    context = {
        "comment": comment,
        "excerpt": Truncator(comment.body).chars(1000),
        "review_url": settings.SITE_URL
        + reverse("admin:comments_comment_change", args=[comment.pk]),
    }
    text = render_to_string("comments/email/moderators_pending.txt", context)
    for address in settings.MODERATOR_EMAILS:
        send_later(
            to=address,
            subject=f"Comment awaiting moderation on “{comment.post.title}”",
            text=text,
        )


def moderate(comments, status: str, moderator) -> int:
    """Give the comments a status, recording who decided and when; return how many.

    Those it makes public are announced together (comments_published) once committed."""
    with transaction.atomic():
        pks = list(comments.values_list("pk", flat=True))
        chosen = Comment.objects.filter(pk__in=pks).select_for_update()
        before = dict(chosen.values_list("pk", "status"))
        Comment.objects.filter(pk__in=before).update(
            status=status, moderated_by=moderator, moderated_at=timezone.now()
        )
        published = [
            pk for pk, previous in before.items()
            if status == Comment.Status.APPROVED and previous != status
        ]  # fmt: skip
        if published:
            transaction.on_commit(
                lambda: comments_published.send(sender=Comment, comment_ids=published)
            )
    for pk in before:
        moderation_logger.info("comment %s set to %s by %s", pk, status, moderator.get_username())
    return len(before)
