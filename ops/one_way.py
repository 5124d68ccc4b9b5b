"""One-way digests of personal data, for rows that must outlive it (rate-limit counts, bans):
the same address always gives the same digest, and nothing gives the address back."""

import hashlib

from django.conf import settings

from ops.addresses import identity


def _digest(text: str) -> str:
    return hashlib.blake2b(f"{settings.SECRET_KEY}:{text}".encode(), digest_size=16).hexdigest()


def digest(email: str) -> str:
    """The digest of the address's identity (ops.addresses); an address with none is digested
    as typed, so that it matches only itself."""
    return _digest(identity(email) or email.strip())


def legacy_digest(email: str) -> str:
    """The previous release's digest, of the address lowercased as typed: bans kept as a digest
    of an erased address cannot be recomputed. Read by Ban.matching; drop it in the next
    release."""
    return _digest(email.strip().lower())
