"""The pending count of every kind: a notice on the admin index, a link in every admin page's
header, both to the moderation queue."""

from django import template
from django.urls import reverse

from moderation.mail import pending_count
from moderation.permissions import is_moderator

register = template.Library()


def pending_queue(request) -> dict:
    """How many items wait, and the queue's address; nothing for those who cannot moderate."""
    if not is_moderator(request.user):
        return {}
    return {"pending": pending_count(), "queue_url": reverse("moderation:queue")}


@register.inclusion_tag("admin/moderation/pending_notice.html", takes_context=True)
def pending_notice(context):
    return pending_queue(context["request"])


@register.inclusion_tag("admin/moderation/pending_link.html", takes_context=True)
def pending_link(context):
    return pending_queue(context["request"])
