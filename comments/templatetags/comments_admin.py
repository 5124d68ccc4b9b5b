"""The pending-comments notice on the admin index."""

from django import template
from django.urls import reverse

from comments.models import Comment

register = template.Library()


@register.inclusion_tag("admin/comments/pending_notice.html", takes_context=True)
def pending_comments_notice(context):
    if not context["request"].user.has_perm("comments.view_comment"):
        return {}
    queue_url = reverse("admin:comments_comment_changelist")
    return {
        "pending": Comment.objects.filter(status=Comment.Status.PENDING).count(),
        "queue_url": f"{queue_url}?status__exact={Comment.Status.PENDING}",
    }
