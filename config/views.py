"""Site-wide views: the health check for load balancers and the error page for outages."""

import sys

import redis
from django import forms
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers
from django.views import defaults
from django.views.decorators.cache import never_cache

from comments.forms import CommentForm
from config.context_processors import site

# What PostgreSQL or Redis raise while down, restarting or failing over: worth a retry.
OUTAGES = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)
RETRY_AFTER_SECONDS = 5


@never_cache
def health(request):
    """200 when this process and every database it reads answer; 503 otherwise."""
    try:
        for connection in connections.all():
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def server_error(request):
    """Django's 500 page, or the 503 page when PostgreSQL or Redis is unreachable."""
    error = sys.exc_info()[1]
    if isinstance(error, OUTAGES):
        return service_unavailable(request)
    return defaults.server_error(request)


def service_unavailable(request):
    """Ask the reader to retry, giving back what they sent: nothing they typed is lost.

    Rendered without the request so that no context processor reaches for the database.
    """
    context = {**site(request), "retry_after": RETRY_AFTER_SECONDS}
    if request.method == "POST":
        context["resend"] = resend_form(request)
    response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def resend_form(request):
    """A refused comment's fields: its text to read and edit, the rest to send again as it was."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if match.view_name != "comments:post-comment":
        return None
    text_fields, hidden_fields = [], []
    for name, field in CommentForm.base_fields.items():
        value = request.POST.get(name, "")
        if isinstance(field.widget, forms.Textarea):
            text_fields.append({"name": name, "label": field.label, "value": value})
        else:
            hidden_fields.append({"name": name, "value": value})
    return {"action": request.path, "text_fields": text_fields, "hidden_fields": hidden_fields}
