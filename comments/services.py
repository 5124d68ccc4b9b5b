"""What happens to a comment: submitted by a reader, moderated by staff."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from comments.models import Comment
from comments.moderation import Submission, Verdict, flood_limit_reached, judge

logger = logging.getLogger("comments")
moderation_logger = logging.getLogger("comments.moderation")

USER_AGENT_MAX_LENGTH = Comment._meta.get_field("user_agent").max_length


class FloodLimitExceeded(Exception):
    """Too many comments from one address in the flood window: nothing was stored."""


def is_moderator(user) -> bool:
    return user is not None and user.is_authenticated and user.has_perm("comments.change_comment")


def submit_comment(
    *,
    post,
    submission: Submission,
    parent: Comment | None = None,
    ip_address: str | None,
    user_agent: str = "",
    user=None,
    site_url: str,
) -> Comment:
    """Store a comment, decide its status, record the rule that did, and tell the moderators.

    A moderator's own comment is published at once. Anyone else's is spam if an anti-spam rule
    catches it and pending otherwise; pending comments are emailed to MODERATOR_EMAILS once the
    transaction has committed. Raises FloodLimitExceeded (storing nothing) past the flood limit.
    """
    now = timezone.now()
    with transaction.atomic():
        if is_moderator(user):
            verdict = Verdict(Comment.Status.APPROVED)
        elif flood_limit_reached(ip_address, now):
            raise FloodLimitExceeded
        else:
            verdict = judge(submission)
        comment = Comment.objects.create(
            post=post,
            parent=parent,
            user=user if user is not None and user.is_authenticated else None,
            name=submission.name,
            email=submission.email,
            body=submission.body,
            status=verdict.status,
            held_by_rule=verdict.rule,
            created_at=now,
            ip_address=ip_address,
            user_agent=user_agent[:USER_AGENT_MAX_LENGTH],
            moderated_by=user if verdict.status == Comment.Status.APPROVED else None,
            moderated_at=now if verdict.status == Comment.Status.APPROVED else None,
        )
        if comment.status == Comment.Status.PENDING and settings.MODERATOR_EMAILS:
            transaction.on_commit(lambda: notify_moderators(comment, site_url))
    logger.info(
        "comment %s on post %s stored as %s (rule: %s)",
        comment.pk,
        post.pk,
        comment.status,
        verdict.rule or "none",
    )
    return comment


def notify_moderators(comment: Comment, site_url: str) -> None:
    """Email MODERATOR_EMAILS about a new pending comment; a mail failure is logged, never raised
    (the comment is committed by now and the reader must still get their answer)."""
    review_url = site_url + reverse("admin:comments_comment_change", args=[comment.pk])
    try:
        send_mail(
            subject=f"Comment awaiting moderation on “{comment.post.title}”",
            message=(
                f"{comment.name} <{comment.email}> wrote:\n\n"
                f"{Truncator(comment.body).chars(1000)}\n\n"
                f"Approve, reject or mark it as spam: {review_url}\n"
            ),
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
