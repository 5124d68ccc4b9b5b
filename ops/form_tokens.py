"""Signed tokens that protect the forms anonymous readers send, in place of a CSRF cookie.

Anonymous readers get no cookie, so that the pages holding these forms stay cacheable (a CDN,
the browser, 304s). A token names what it is good for (its scope: "comment on post 7"), the
signed-in account if any, and when the form was rendered, all signed with the secret key as
django-contrib-comments' security hash is. A token is good only for its scope and account, and
for FORM_TOKEN_MAX_AGE_SECONDS; its age also tells how long the reader took to fill the form in.

Why not `signing.loads(max_age=...)`: that measures the age from when the token was signed, and
a token given back with a form refused as expired is signed now but dated back (see `issue`), so
that the reader who already wrote their text is not taken for a bot; the age must be read from the
date inside the token.
"""

import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

SALT = "ops.form_tokens"


class BadToken(Exception):
    """Forged, garbled, or made for another form or account."""


class ExpiredToken(Exception):
    """Older than FORM_TOKEN_MAX_AGE_SECONDS."""


def _account(user):
    return user.pk if user is not None and user.is_authenticated else None


def issue(scope: str, user=None, rendered_at: datetime | None = None) -> str:
    if rendered_at is None and _account(user) is None:
        from ops.page_cache.placeholders import token_placeholder  # a page rendered to be cached

        if placeholder := token_placeholder(scope):
            return placeholder
    rendered_at = rendered_at or timezone.now()
    payload = {"scope": scope, "user": _account(user), "at": rendered_at.timestamp()}
    return signing.dumps(payload, salt=SALT)


def read(token: str, scope: str, user=None) -> datetime:
    """When the form was rendered; raises BadToken or ExpiredToken."""
    try:
        payload = signing.loads(token, salt=SALT)
        rendered_at = datetime.fromtimestamp(payload["at"], tz=UTC)
        belongs = payload["scope"] == scope and payload["user"] == _account(user)
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError) as error:
        raise BadToken from error
    if not belongs:
        raise BadToken
    if timezone.now() - rendered_at > max_age():
        raise ExpiredToken
    return rendered_at


def max_age() -> timedelta:
    return timedelta(seconds=settings.FORM_TOKEN_MAX_AGE_SECONDS)


def period() -> int:
    """Which half of a token's lifetime it is now. A cached page's version includes it, so a
    copy kept alive by 304s never holds a token that `read` would refuse."""
    return int(time.time()) // max(1, settings.FORM_TOKEN_MAX_AGE_SECONDS // 2)
