"""What happens to a comment: submitted by a reader, moderated by a moderator."""

import logging
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import ngettext

from comments import decision_links, spam_rules
from comments.edit_distance import characters_changed
from comments.markup import render_comment
from comments.models import Ban, Comment, CommentEdit, ModerationDecision, ModeratorPreference
from comments.permissions import is_moderator, moderators
from comments.signals import comments_published
from ops import rate_limits
from ops.addresses import same_identity
from ops.limit_keys import client_key, same_client
from ops.mail import send_later

logger = logging.getLogger("comments")
LINK_TARGET = re.compile(r'<a href="([^"]*)"')
moderation_logger = logging.getLogger("comments.moderation")

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
            status_reason=verdict.reason,
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


TRUSTED_WRITER = "approved: trusted writer"


def judge(submission: spam_rules.Submission, ip_address, writer_proven: bool):
    """A ban, then the anti-spam rules, then trust; otherwise the moderators decide."""
    bans = Ban.objects.matching(submission.email, ip_address)
    if bans:
        return spam_rules.Verdict(Comment.Status.SPAM, bans[0].reason)
    verdict = spam_rules.check(submission)
    if verdict.status == Comment.Status.PENDING and writer_proven and is_trusted(submission.email):
        return spam_rules.Verdict(Comment.Status.APPROVED, TRUSTED_WRITER)
    return verdict


def is_trusted(email: str) -> bool:
    """Whether this address has a comment a moderator approved (COMMENTS_TRUST_PROVEN_WRITERS).
    Only worth asking once the writer has proven the address is theirs: anyone can type it."""
    return (
        settings.COMMENTS_TRUST_PROVEN_WRITERS
        and Comment.objects.approved().filter(same_identity(email)).exists()
    )


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
        Comment.objects.filter(pk=comment.pk).update(status_reason=TRUSTED_WRITER)
        moderate(
            Comment.objects.filter(pk=comment.pk),
            Comment.Status.APPROVED,
            moderator=None,
            channel=ModerationDecision.Channel.MAIL,
        )
    return True


def notify_moderators(comment: Comment) -> None:
    """Queue a mail about a new pending comment to each moderator who wants one, with Approve,
    Spam and Reject links signed for them, and to MODERATOR_EMAILS without links."""
    subject = f"Comment awaiting moderation on “{comment.post.title}”"
    digest_readers = ModeratorPreference.objects.filter(daily_digest=True).values("user")
    for moderator in moderators().exclude(email="").exclude(pk__in=digest_readers):
        send_later(
            to=moderator.email,
            subject=subject,
            text=pending_mail(comment, moderator),
            about=comment.email,
        )
    for address in settings.MODERATOR_EMAILS:
        send_later(to=address, subject=subject, text=pending_mail(comment), about=comment.email)


def mail_digest(moderator, pending: list[Comment]) -> int:
    """Queue one mail to `moderator` listing every pending comment; 1 if sent, 0 if none."""
    if not pending:
        return 0
    text = "\n\n".join(pending_mail(comment, moderator) for comment in pending)
    noun = ngettext("comment awaits", "comments await", len(pending))
    send_later(to=moderator.email, subject=f"{len(pending)} {noun} moderation", text=text)
    return 1


def pending_mail(comment: Comment, moderator=None) -> str:
    """The text about one pending comment: with decision links for `moderator`, if given."""
    context = {
        "comment": comment,
        "excerpt": Truncator(comment.body).chars(1000),
        "review_url": settings.SITE_URL
        + reverse("admin:comments_comment_change", args=[comment.pk]),
        "links": moderator
        and {
            action: decision_links.decision_url(comment, moderator, action)
            for action in decision_links.DECISIONS
        },
    }
    return render_to_string("comments/email/moderators_pending.txt", context)


def moderate(comments, status: str, moderator, channel=ModerationDecision.Channel.ADMIN) -> int:
    """Give the comments a status, recording each decision (who, when, from what status) and
    counting it on the comment; return how many. `moderator` is None when the writer's own
    proof decided (a trusted writer's "publish my comment" link).

    Those it makes public are announced together (comments_published) once committed."""
    now = timezone.now()
    with transaction.atomic():
        pks = list(comments.values_list("pk", flat=True))
        list(Comment.objects.filter(pk__in=pks).select_for_update().values_list("pk"))
        # Read again under the lock: a condition of `comments` (a mailed link's decision
        # count) must still hold when the decision is written.
        chosen = Comment.objects.filter(pk__in=pks).filter(pk__in=comments.values("pk"))
        before = dict(chosen.values_list("pk", "status"))
        approved_text = {"approved_body": F("body")} if status == Comment.Status.APPROVED else {}
        Comment.objects.filter(pk__in=before).update(
            status=status,
            moderated_by=moderator,
            moderated_at=now,
            decision_count=F("decision_count") + 1,
            **approved_text,
        )
        ModerationDecision.objects.bulk_create(
            ModerationDecision(
                comment_id=pk,
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
            if status == Comment.Status.APPROVED and previous != status
        ]  # fmt: skip
        if published:
            transaction.on_commit(
                lambda: comments_published.send(sender=Comment, comment_ids=published)
            )
    who = moderator.get_username() if moderator else "its trusted writer"
    for pk in before:
        moderation_logger.info("comment %s set to %s by %s", pk, status, who)
    return len(before)


def spam_pending_of(ban: Ban, moderator) -> int:
    """Mark the pending comments a new ban covers as spam, the ban as their reason."""
    covered = [
        comment.pk
        for comment in Comment.objects.pending().only("pk", "email", "ip_address")
        if ban.covers(comment.email, comment.ip_address)
    ]
    Comment.objects.filter(pk__in=covered).update(status_reason=ban.reason)
    return moderate(Comment.objects.filter(pk__in=covered), Comment.Status.SPAM, moderator)


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
        verdict = judge(submission, comment.ip_address, writer_proven=False)
        was_approved = comment.status == Comment.Status.APPROVED
        if verdict.status == Comment.Status.SPAM:
            comment.status, comment.status_reason = verdict.status, verdict.reason
        elif was_approved and not small_edit(comment, body):
            comment.status = Comment.Status.PENDING
            comment.status_reason = edit_reason(comment.approved_body, body)
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


class TooLateToUndo(Exception):
    """Undone already, or decided more than ModerationDecision.UNDO_WINDOW ago."""


def undo(decision: ModerationDecision, moderator) -> None:
    """Give the comment back the status it had before `decision`, and record who undid it.
    Mail already sent stays sent."""
    now = timezone.now()
    with transaction.atomic():
        decision = ModerationDecision.objects.select_for_update().get(pk=decision.pk)
        comment = Comment.objects.select_for_update().get(pk=decision.comment_id)
        latest = comment.decisions.filter(undone_at=None).first()
        if latest != decision or not decision.can_be_undone(now):
            raise TooLateToUndo
        status = decision.from_status
        if status == Comment.Status.APPROVED and comment.body != comment.approved_body:
            status = Comment.Status.PENDING  # edited since: its new text waits for a moderator
        Comment.objects.filter(pk=comment.pk).update(
            status=status,
            moderated_by=moderator,
            moderated_at=now,
            decision_count=F("decision_count") + 1,
        )
        decision.undone_by, decision.undone_at = moderator, now
        decision.save(update_fields=["undone_by", "undone_at"])
    moderation_logger.info(
        "comment %s set back to %s by %s (undo)",
        comment.pk,
        decision.from_status,
        moderator.get_username(),
    )
