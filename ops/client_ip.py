"""The visitor's address, as the flood limit and the log-in throttle must see it.

Ours rather than django-ipware's: ipware looks through a list of headers (X-Forwarded-For,
X-Real-IP, Client-IP and more) and prefers public addresses, so unless every one of those is
configured away a reader can send one of them and choose the address we count them by. Here one
header only, and only the entries our own proxies wrote (TRUSTED_PROXY_COUNT), are believed;
the tests show a spoofed X-Forwarded-For entry changing nothing.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies of ours in front, the address the
    outermost of them saw (each proxy appends to X-Forwarded-For; entries further left were
    written by the client and prove nothing). An entry that is not an address falls back to
    REMOTE_ADDR, so a malformed header never escapes the limits that count by address."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    chain = [remote_addr]
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        chain = [address.strip() for address in forwarded.split(",") if address.strip()] + chain
        chain = chain[-(proxies + 1) :]
    for candidate in (chain[0], remote_addr):
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None
