"""Signed links in mail, written once: each kind bound to its purpose, with its maximum age, one
error and one page for a link that is bad or expired.

A `SignedLink` is one kind of link (confirm an address, unsubscribe, decide on a comment...).
Its purpose is the salt of its signature, so a token made for one kind is refused by every
other. `max_age` is how long it works after it was signed; `None` signs it without a timestamp
(it never expires by itself: unsubscribe links must work from however old a mail, RFC 8058, and
a confirm link is dated by the row it names). `text=True` signs a plain string as it is
(`value:signature`) instead of a JSON payload.

Links already mailed must keep working: each kind keeps its salt and payload shape; never change
them (a new shape is a new kind, with a new purpose).

    CONFIRM = SignedLink("notifications.confirm", "notifications:confirm")
    url = CONFIRM.url({"a": address.pk})
    payload = CONFIRM.read(token)  # or BadLink

A view answers a `BadLink` with `bad_link_page(request, text)`: "Link not valid", what to do
next, 400, never indexed.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.urls import reverse


class BadLink(Exception):
    """A link that is not ours, was altered, is of another kind, or has expired."""


class SignedLink:
    """One kind of mailed link: `purpose` (the salt), the URL name its token goes into, its
    `max_age` (None: never expires), and whether it carries plain `text` or a JSON payload."""

    def __init__(
        self, purpose: str, url_name: str, *, max_age: timedelta | None = None, text=False
    ):
        self.purpose = purpose
        self.url_name = url_name
        self.max_age = max_age
        self.text = text

    def _signer(self) -> signing.Signer:
        if self.max_age is None:
            return signing.Signer(salt=self.purpose)
        return signing.TimestampSigner(salt=self.purpose)

    def token(self, payload) -> str:
        signer = self._signer()
        return signer.sign(str(payload)) if self.text else signer.sign_object(payload)

    def url(self, payload) -> str:
        """The absolute address to mail (SITE_URL: mail is built in the worker)."""
        return settings.SITE_URL + reverse(self.url_name, args=[self.token(payload)])

    def read(self, token: str):
        """The payload, or BadLink (altered, of another kind, or older than max_age)."""
        signer = self._signer()
        options = {} if self.max_age is None else {"max_age": self.max_age}
        try:
            if self.text:
                return signer.unsign(token, **options)
            return signer.unsign_object(token, **options)
        except (signing.BadSignature, ValueError, TypeError) as error:
            raise BadLink from error


def bad_link_page(request, text: str, *, status: int = 400):
    """The one page for a link that is bad or expired: what happened, what to do next."""
    response = render(
        request, "bad_link.html", {"title": "Link not valid", "text": text}, status=status
    )
    response["X-Robots-Tag"] = "noindex"
    return response
