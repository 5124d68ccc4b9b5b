"""How this app hears about comments (comments.signals), without comments knowing it."""

import logging

from comments.models import Comment
from notifications import services, tasks
from notifications.confirmed_browser import CONFIRMED_ADDRESSES
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
    except services.TooManyRequests:
        # The comment itself is stored; only the mail it asked for is not set up.
        logger.warning("mail for comment %s not set up: too many requests", comment.pk)


def announce_published(sender, comment_ids, **kwargs):
    tasks.announce.enqueue(comment_ids)
