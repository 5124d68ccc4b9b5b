"""The pending-comments count: a notice on the admin index, a link in every admin page's header."""

from django import template
from django.urls import reverse

from comments.models import Comment
from moderation.mail import pending_count
from moderation.permissions import is_moderator

register = template.Library()


def pending_queue(request) -> dict:
    """How many comments wait, and the queue's address; nothing for those who cannot moderate."""
    if not is_moderator(request.user):
        return {}
    queue_url = reverse("admin:comments_comment_changelist")
    return {
        "pending": pending_count(),
        "queue_url": f"{queue_url}?status__exact={Comment.Status.PENDING}",
    }


@register.inclusion_tag("admin/comments/pending_notice.html", takes_context=True)
def pending_comments_notice(context):
    return pending_queue(context["request"])


@register.inclusion_tag("admin/comments/pending_link.html", takes_context=True)
def pending_comments_link(context):
    return pending_queue(context["request"])
