"""Site-wide views: the health check, the outage page, and what crawlers read first."""

import sys
from importlib import import_module

import redis
from django import forms
from django.contrib.sitemaps import views as sitemaps_views
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.module_loading import module_has_submodule
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ops.context_processors import site
from ops.page_cache import page_number, share_with_caches, shareable
from ops.site_apps import site_apps

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


def site_sitemaps() -> dict:
    """Every site app's sitemaps: the SITEMAPS dict of its `sitemaps` module, if it has one."""
    sitemaps = {}
    for app in site_apps():
        if module_has_submodule(app.module, "sitemaps"):
            sitemaps.update(import_module(f"{app.name}.sitemaps").SITEMAPS)
    return sitemaps


@shareable(p=page_number())
def sitemap(request, sitemaps):
    """Django's sitemap, the same for every reader: shared caches and the page cache keep it."""
    response = sitemaps_views.sitemap(request, sitemaps)
    return share_with_caches(response)


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("ops:sitemap"))
    return render(request, "robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain")


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
    """The refused POST's fields, when its view names a form to give back: a class-based view
    with a `resend_form_class` attribute (a form class). Text areas come back to read and edit,
    the other fields hidden, as they were sent."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return None
    form_class = getattr(getattr(view, "view_class", view), "resend_form_class", None)
    if form_class is None:
        return None
    text_fields, hidden_fields = [], []
    for name, field in form_class.base_fields.items():
        if name not in request.POST:
            continue  # an unticked box, or a field the page did not have
        value = request.POST[name]
        if isinstance(field.widget, forms.Textarea):
            text_fields.append({"name": name, "label": field.label, "value": value})
        else:
            hidden_fields.append({"name": name, "value": value})
    return {"action": request.path, "text_fields": text_fields, "hidden_fields": hidden_fields}
