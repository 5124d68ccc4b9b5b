"""Rate limits, written once: a PostgreSQL advisory lock and a count of rows in a window.

Every limit of the site counts rows it stores anyway (comments, requests for mail, webmention
receipts) by a key of `ops.limit_keys` (a visitor by its /64, an address by its plus-base, a
domain by its registrable part). `check` takes a transaction-level advisory lock on the key, so
that concurrent requests under one key, on any worker or host, count one after the other, then
counts the key's rows in the window and raises `RateLimited` when there are `limit` of them
already. Call it inside the transaction that then stores the new row.

A view turns the refusal into the one 429 answer with `refuse`: the form's own page again with
the reader's typed text and the refusal's words above it (or, with no form, `429.html`), and
`Retry-After`.

    try:
        services.submit(...)
    except RateLimited as refusal:
        return rate_limits.refuse(request, refusal, form=form, page=lambda status: ...)
"""

from datetime import timedelta

from django.db import connection
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import timezone


class RateLimited(Exception):
    """A request past a rate limit: nothing was stored. `message` says so to the reader;
    `retry_after` is how many seconds to wait (the limit's window)."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = int(retry_after)


def lock(key: str) -> None:
    """Count under `key` one request at a time, until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def check(
    key: str,
    rows: QuerySet,
    *,
    limit: int,
    window_seconds: int,
    message: str,
    time_field: str = "created_at",
    now=None,
) -> None:
    """Raise RateLimited when `rows` (the rows of `key`) has `limit` rows from the last
    `window_seconds`; lock `key` first (see the module's docstring)."""
    lock(key)
    since = (now or timezone.now()) - timedelta(seconds=window_seconds)
    if rows.filter(**{f"{time_field}__gte": since}).count() >= limit:
        raise RateLimited(message, retry_after=window_seconds)


def refuse(request, refusal: RateLimited, *, form=None, page=None):
    """The one 429: `page(status=429)` (the form's own page) with the refusal added to `form`,
    so nothing typed is lost; `429.html` when there is no form. Always with Retry-After."""
    if form is not None:
        form.add_error(None, refusal.message)
    if page is not None:
        response = page(status=429)
    else:
        response = render(request, "429.html", {"message": refusal.message}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response
