"""What happens to a comment: submitted by a reader, moderated by a moderator."""

import dataclasses
import logging
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from comments import spam_rules
from comments.edit_distance import characters_changed
from comments.markup import render_comment
from comments.models import Ban, Comment, CommentEdit, ModerationDecision
from comments.permissions import is_moderator
from comments.signals import comments_published
from moderation import decisions, mail, verdict
from moderation.decisions import TooLateToUndo
from moderation.verdict import is_trusted
from ops import rate_limits
from ops.limit_keys import client_key, same_client

logger = logging.getLogger("comments")
LINK_TARGET = re.compile(r'<a href="([^"]*)"')

USER_AGENT_MAX_LENGTH = Comment._meta.get_field("user_agent").max_length


def check_flood_limit(ip_address: str | None, now: datetime) -> None:
    """Raise RateLimited when this visitor already sent COMMENTS_FLOOD_LIMIT comments within
    the window, counted by `ops.limit_keys.client_key` (an IPv6 visitor by its /64).

    Counted in PostgreSQL (`ops.rate_limits`), so the limit holds across workers and hosts.
    Call inside a transaction that then stores the comment."""
    same = same_client("ip_address", ip_address)
    if same is None:
        return
    minutes = settings.COMMENTS_FLOOD_WINDOW_SECONDS // 60
    rate_limits.check(
        f"comments.flood:{client_key(ip_address)}",
        Comment.objects.filter(same),
        limit=settings.COMMENTS_FLOOD_LIMIT,
        window_seconds=settings.COMMENTS_FLOOD_WINDOW_SECONDS,
        now=now,
        message=f"You have sent {settings.COMMENTS_FLOOD_LIMIT} comments in the last {minutes} "
        "minutes, which is as many as we accept from one address. Your comment is kept "
        "below: please send it again in a few minutes.",
    )


def submit_comment(
    *,
    post,
    submission: spam_rules.Submission,
    parent: Comment | None = None,
    notify_writer: bool = False,
    ip_address: str | None,
    user_agent: str = "",
    user=None,
    writer_proven: bool = False,
) -> Comment:
    """Store a comment, decide its status, record why, and tell the moderators.

    A moderator's own comment is published at once. Anyone else's, in this order: spam if a ban
    covers the writer (the ban is the reason) or an anti-spam rule catches it; published at once
    if the writer is trusted (`writer_proven`: their browser proved the address is theirs, and
    that address has a comment a moderator approved); pending otherwise, and the moderators are
    mailed (through the queue, in the same transaction). Raises ops.rate_limits.RateLimited
    (storing nothing) past the flood limit.
    """
    now = timezone.now()
    with transaction.atomic():
        if is_moderator(user):
            verdict = spam_rules.Verdict(Comment.Status.APPROVED)
        else:
            check_flood_limit(ip_address, now)
            verdict = judge(submission, ip_address, writer_proven)
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
            reason_code=verdict.code,
            reason_detail=verdict.detail,
            created_at=now,
            ip_address=ip_address,
            user_agent=user_agent[:USER_AGENT_MAX_LENGTH],
            moderated_by=user if approved else None,
            moderated_at=now if approved else None,
            approved_body=submission.body if approved else "",
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


TRUSTED_WRITER = str(verdict.TRUSTED_REASON)


def judge(submission: spam_rules.Submission, ip_address, writer_proven: bool):
    """moderation.verdict.judge, for a comment sent from `ip_address`."""
    submission = dataclasses.replace(submission, ip_address=ip_address)
    return verdict.judge(submission, writer_proven)


def publish_for_trusted_writer(comment: Comment, decision_count: int) -> bool:
    """The writer proved the address from a mailed "publish my comment" link: publish it if it
    still waits unchanged since the link was made (`decision_count`), nothing banned them
    since, and the address is still trusted."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.decision_count != decision_count:
            return False
        if comment.status != Comment.Status.PENDING or not is_trusted(comment.email):
            return False
        if Ban.objects.matching(comment.email, comment.ip_address):
            return False
        code, detail = verdict.TRUSTED
        Comment.objects.filter(pk=comment.pk).update(
            status_reason=TRUSTED_WRITER,
            reason_code=code,
            reason_detail=detail,
        )
        moderate(
            Comment.objects.filter(pk=comment.pk),
            Comment.Status.APPROVED,
            moderator=None,
            channel=ModerationDecision.Channel.MAIL,
        )
    return True


def notify_moderators(comment: Comment) -> None:
    """Tell the moderators of a new pending comment (moderation.mail)."""
    mail.notify_moderators(comment)


def moderate(comments, status: str, moderator, channel=ModerationDecision.Channel.ADMIN) -> int:
    """moderation.decisions.decide, for comments."""
    return decisions.decide(comments, status, moderator, channel)


class NotEditable(Exception):
    """Past the edit window, or an approved reply stands under the comment."""


def edit_refusal(comment: Comment, now=None) -> str | None:
    """Why the writer may not edit `comment` now, or None."""
    now = now or timezone.now()
    if comment.deleted_at is not None:
        return "This comment was deleted."
    if comment.status in (Comment.Status.SPAM, Comment.Status.REJECTED):
        return "This comment is with the moderators and cannot be edited now."
    if now - comment.created_at > timedelta(seconds=settings.COMMENTS_EDIT_WINDOW_SECONDS):
        minutes = settings.COMMENTS_EDIT_WINDOW_SECONDS // 60
        return f"A comment can be edited for {minutes} minutes after it is sent."
    if comment.replies.approved().exists():
        return "Someone has replied to this comment, so it can no longer be edited."
    return None


def edit_comment(comment: Comment, body: str) -> Comment:
    """The writer's edit. The new text goes through the anti-spam rules again. An approved
    comment stays approved when the change is small: at most COMMENTS_SMALL_EDIT characters
    against the text a moderator approved, and no new link; otherwise it goes back to the
    moderators with the reason. Any edit kills the mailed decision links (they name the text
    they approve). Raises NotEditable."""
    now = timezone.now()
    with transaction.atomic():
        comment = Comment.objects.select_for_update().select_related("post").get(pk=comment.pk)
        refusal = edit_refusal(comment, now)
        if refusal:
            raise NotEditable(refusal)
        CommentEdit.objects.create(
            comment=comment, body_before=comment.body, body_after=body, edited_at=now
        )
        submission = spam_rules.Submission(comment.name, comment.email, body, "", float("inf"))
        judged = judge(submission, comment.ip_address, writer_proven=False)
        was_approved = comment.status == Comment.Status.APPROVED
        if judged.status == Comment.Status.SPAM:
            comment.status = judged.status
            comment.reason_code, comment.reason_detail = judged.code, judged.detail
        elif was_approved and not small_edit(comment, body):
            comment.status = Comment.Status.PENDING
            comment.reason_code = "edited"
            comment.reason_detail = edit_reason(comment.approved_body, body).removeprefix(
                "edited: "
            )
        comment.body, comment.edited_at = body, now
        comment.decision_count += 1
        comment.save()
        if was_approved and comment.status == Comment.Status.PENDING:
            notify_moderators(comment)  # a pending comment's moderators were told already
    return comment


def small_edit(comment: Comment, body: str) -> bool:
    """At most COMMENTS_SMALL_EDIT characters changed against the approved text, and every
    link of the new text already in it (a changed target is a new link)."""
    changed = characters_changed(comment.approved_body, body, settings.COMMENTS_SMALL_EDIT)
    return changed is not None and link_targets(body) <= link_targets(comment.approved_body)


def edit_reason(approved_body: str, body: str) -> str:
    """Why an edit sent an approved comment back to the moderators."""
    limit = settings.COMMENTS_SMALL_EDIT
    changed = characters_changed(approved_body, body, limit)
    if changed is None:
        return f"edited: more than {limit} characters changed since approval"
    return f"edited: {changed} characters changed since approval, and a new link"


def link_targets(text: str) -> set[str]:
    return set(LINK_TARGET.findall(render_comment(text)))


def delete_comment(comment: Comment) -> None:
    """The writer's delete: with replies (anyone's, approved or waiting) it stays as a "Comment
    deleted" placeholder, everything about its writer erased; without, it goes, and so does a
    placeholder it leaves with no reply."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.replies.exists():
            erase(comment)
            return
        parent_id = comment.parent_id
        comment.delete()
        Comment.objects.filter(pk=parent_id, replies=None).exclude(deleted_at=None).delete()


def erase(comment: Comment) -> None:
    """Keep the comment's place in its thread and nothing of what its writer gave."""
    CommentEdit.objects.filter(comment=comment).delete()
    comment.body = comment.approved_body = ""
    comment.name = comment.email = comment.user_agent = ""
    comment.ip_address = None
    comment.user = None
    comment.deleted_at = timezone.now()
    comment.decision_count += 1
    comment.save()


def undo(decision: ModerationDecision, moderator) -> None:
    """moderation.decisions.undo (raises TooLateToUndo)."""
    decisions.undo(decision, moderator)


__all__ = ["TooLateToUndo", "is_trusted"]
