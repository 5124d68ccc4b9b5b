"""One-way digests of personal data, for rows that must outlive it (rate-limit counts, bans):
the same address always gives the same digest, and nothing gives the address back."""

import hashlib

from django.conf import settings


def digest(email: str) -> str:
    data = f"{settings.SECRET_KEY}:{email.strip().lower()}".encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()
