"""The moderators' one queue, in the admin: every pending item of every kind on one page,
decided with one button each."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from moderation import decisions, queue
from moderation.admin import log_url
from moderation.mail import pending_count
from moderation.permissions import is_moderator
from moderation.registry import registry


@require_http_methods(["GET", "POST"])
def queue_view(request):
    """GET: the queue. POST (a row's button): one decision on one item, back to the queue."""
    if not is_moderator(request.user):
        raise PermissionDenied
    if request.method == "POST":
        return decide(request)
    context = {
        **admin.site.each_context(request),
        "title": "Moderation queue",
        "rows": queue.rows(),
        "pending": pending_count(),
        "decisions": queue.DECISIONS,
    }
    return render(request, "admin/moderation/queue.html", context)


def decide(request):
    try:
        kind = registry.by_label(request.POST.get("kind", ""))
        status, _, verb = queue.DECISIONS[request.POST.get("decision", "")]
        pk = int(request.POST.get("pk", ""))
    except (KeyError, ValueError):
        return HttpResponseBadRequest("Choose a decision on an item of the queue.")
    item = kind.queryset().filter(pk=pk).first()
    if item is None:
        messages.error(request, f"That {kind.noun} is gone: nothing was decided.")
    elif decisions.decide_one(item, status, request.user):
        message = 'The {} by {} was {}. <a href="{}">Undo it from the moderation log</a>.'
        messages.success(
            request, format_html(message, kind.noun, kind.author(item), verb, log_url(item))
        )
    return HttpResponseRedirect(reverse("moderation:queue"))


# Signed in as staff first (the admin's login page), then a moderator (403 otherwise).
queue_page = admin.site.admin_view(queue_view)
