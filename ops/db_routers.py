"""A read replica for the public pages, used when DATABASE_REPLICA_URL is set.

Reads of posts and comments go to the replica; every write, the admin (moderation included),
sessions, users, the log-in throttle and the cache table stay on the primary. A replica lags the
primary by a moment, so a reader who has just written (a comment POST) is pinned to the primary
for a few seconds by a cookie: the page they are redirected to shows what they wrote.
"""

from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.urls import reverse

from ops.site_apps import site_apps

PRIMARY = "default"
REPLICA = "replica"
PIN_COOKIE = "primary_db"

_pinned_to_primary = ContextVar("pinned_to_primary", default=False)


class PrimaryReplicaRouter:
    """Public content is read from the replica unless the request is pinned to the primary."""

    def __init__(self):
        # The apps that say their models are public content (SiteAppConfig.public_content).
        self.replica_apps = {app.label for app in site_apps() if app.public_content}

    def db_for_read(self, model, **hints):
        if model._meta.app_label in self.replica_apps and not _pinned_to_primary.get():
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same database, so any two rows may be related.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY


class PinToPrimaryMiddleware:
    """Serve writes, the admin and a writer's next few pages from the primary."""

    def __init__(self, get_response):
        if REPLICA not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        writes = request.method not in ("GET", "HEAD", "OPTIONS")
        pinned = (
            writes
            or PIN_COOKIE in request.COOKIES
            or request.path.startswith(reverse("admin:index"))
        )
        token = _pinned_to_primary.set(pinned)
        try:
            response = self.get_response(request)
        finally:
            _pinned_to_primary.reset(token)
        if writes:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
