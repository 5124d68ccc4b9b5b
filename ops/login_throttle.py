"""The page django-axes shows when the admin log-in is locked after too many failures."""

from datetime import timedelta

from django.conf import settings
from django.shortcuts import render


def locked_out(request, original_response=None, credentials=None):
    """Say why log-in is refused and how long to wait, with 429 Too Many Requests."""
    cooloff_minutes = settings.AXES_COOLOFF_TIME // timedelta(minutes=1)
    return render(
        request,
        "admin/login_locked_out.html",
        {
            "title": "Log-in paused",
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": cooloff_minutes,
        },
        status=429,
    )
