"""An address's identity: the one key by which the site recognises "the same address".

Every comparison of addresses (a writer's comments, trust, bans, subscriptions, data requests,
the admin's history, one-way digests) uses `identity()` and compares it exactly. Python's
`str.lower()` and PostgreSQL's `UPPER()` disagree on characters such as `ı` (U+0131) and `ſ`
(U+017F), so neither is ever used to compare addresses: `victim@gmaıl.com` is a different
domain (`xn--gmal-nza.com`) from `victim@gmail.com`, and must stay one.

- The domain is IDNA-encoded exactly as Django encodes it to send mail
  (`django.utils.encoding.punycode`), then lowercased (ASCII only by then).
- The local part is lowercased when it is ASCII (mailboxes are case-insensitive in practice).
  A non-ASCII local part has no identity: the forms refuse it, with a message, because there a
  look-alike letter cannot be told from the real one.

Rate limits count by a looser key built on this one: `ops.limit_keys.limit_address()`.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.encoding import punycode

NO_IDENTITY_MESSAGE = (
    "This address cannot be used here: write the part before the @ in plain Latin letters, "
    "digits and punctuation."
)


def identity(email: str) -> str | None:
    """The address's identity, or None when it cannot be given one (which matches nothing)."""
    local, at, domain = (email or "").strip().rpartition("@")
    if not at or not local or not domain or not local.isascii():
        return None
    try:
        ascii_domain = punycode(domain).lower()
    except UnicodeError:
        return None
    if not ascii_domain or not ascii_domain.isascii():
        return None
    return f"{local.lower()}@{ascii_domain}"


IDENTITY_MAX_LENGTH = 254  # what an EmailField holds: an identity is stored in one


def validate_identity(email: str) -> None:
    """A form field's validator: refuse an address that has no identity (NO_IDENTITY_MESSAGE),
    or whose identity, its domain encoded, is longer than any stored address."""
    address = identity(email)
    if address is None or len(address) > IDENTITY_MAX_LENGTH:
        raise ValidationError(NO_IDENTITY_MESSAGE, code="no_identity")


def same_identity(email: str, field: str = "identity") -> Q:
    """Rows whose stored identity (`field`) is this address's; none when it has no identity."""
    address = identity(email)
    return Q(**{field: address}) if address is not None else Q(pk__in=[])
