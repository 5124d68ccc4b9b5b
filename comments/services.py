"""What happens to a comment: submitted by a reader, moderated by a moderator."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from comments import spam_rules
from comments.models import Comment
from comments.permissions import is_moderator

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
    ip_address: str | None,
    user_agent: str = "",
    user=None,
    site_url: str,
) -> Comment:
    """Store a comment, decide its status, record why, and tell the moderators.

    A moderator's own comment is published at once. Anyone else's is spam if an anti-spam rule
    catches it and pending otherwise; pending comments are emailed to MODERATOR_EMAILS once the
    transaction has committed. Raises FloodLimitExceeded (storing nothing) past the flood limit.
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
            status=verdict.status,
            status_reason=verdict.reason,
            created_at=now,
            ip_address=ip_address,
            user_agent=user_agent[:USER_AGENT_MAX_LENGTH],
            moderated_by=user if approved else None,
            moderated_at=now if approved else None,
        )
        if comment.status == Comment.Status.PENDING and settings.MODERATOR_EMAILS:
            transaction.on_commit(lambda: notify_moderators(comment, site_url))
    logger.info(
        "comment %s on post %s stored as %s (reason: %s)",
        comment.pk,
        post.pk,
        comment.status,
        verdict.reason or "none",
    )
    return comment


def notify_moderators(comment: Comment, site_url: str) -> None:
    """Email MODERATOR_EMAILS about a new pending comment; a mail failure is logged, never raised
    (the comment is committed by now and the reader must still get their answer)."""
    context = {
        "comment": comment,
        "excerpt": Truncator(comment.body).chars(1000),
        "review_url": site_url + reverse("admin:comments_comment_change", args=[comment.pk]),
    }
    try:
        send_mail(
            subject=f"Comment awaiting moderation on “{comment.post.title}”",
            message=render_to_string("comments/email/moderators_pending.txt", context),
            from_email=None,
            recipient_list=settings.MODERATOR_EMAILS,
        )
    except Exception:
        logger.exception("could not email the moderators about comment %s", comment.pk)


def moderate(comments, status: str, moderator) -> int:
    """Give the comments a status, recording who decided and when; return how many."""
    pks = list(comments.values_list("pk", flat=True))
    Comment.objects.filter(pk__in=pks).update(
        status=status, moderated_by=moderator, moderated_at=timezone.now()
    )
    for pk in pks:
        moderation_logger.info("comment %s set to %s by %s", pk, status, moderator.get_username())
    return len(pks)
