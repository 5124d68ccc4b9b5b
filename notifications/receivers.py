"""How this app hears about comments (comments.signals), without comments knowing it. Of posts it
hears through `blog.signals.post_became_public` (`newsletter.mail_now_public`)."""

import logging

from comments.models import Comment
from notifications import services, tasks
from notifications.confirmed_browser import CONFIRMED_ADDRESSES
from notifications.models import Address
from ops import rate_limits
from ops.client_ip import client_ip

logger = logging.getLogger("notifications")


def writer_asked_for_mail(sender, comment, request, **kwargs):
    """A writer ticked "Email me...": subscribe them to their thread. Never for spam."""
    if not comment.notify_writer or comment.status == Comment.Status.SPAM:
        return
    try:
        services.request_mail(
            email=comment.email,
            post=comment.post,
            thread=comment.parent or comment,
            ip_address=client_ip(request),
            marks=CONFIRMED_ADDRESSES.ids(request),
        )
    except rate_limits.RateLimited:
        # The comment itself is stored; only the mail it asked for is not set up.
        logger.warning("mail for comment %s not set up: too many requests", comment.pk)


def offer_publishing(sender, comment, request, **kwargs):
    """A pending comment: the worker offers its address a "publish my comment" link if the
    address is trusted (checked there, so that no answer here depends on it)."""
    if comment.status == Comment.Status.PENDING:
        tasks.offer_publishing.enqueue(comment.pk)


def vouch_for_writer(sender, email, request, **kwargs) -> bool:
    """The writer's browser confirmed this address (its signed mark, and the address is still
    confirmed here)."""
    marks = CONFIRMED_ADDRESSES.ids(request)
    return bool(marks) and (
        Address.objects.of(email).filter(pk__in=marks).exclude(confirmed_at=None).exists()
    )


def announce_published(sender, comment_ids, **kwargs):
    tasks.announce.enqueue(comment_ids)
