"""The pending-comments notice on the admin index."""

from django import template
from django.urls import reverse

from comments.models import Comment
from comments.permissions import is_moderator

register = template.Library()


@register.inclusion_tag("admin/comments/pending_notice.html", takes_context=True)
def pending_comments_notice(context):
    if not is_moderator(context["request"].user):
        return {}
    queue_url = reverse("admin:comments_comment_changelist")
    return {
        "pending": Comment.objects.pending().count(),
        "queue_url": f"{queue_url}?status__exact={Comment.Status.PENDING}",
    }
