"""The visitor's address, as the flood limit and the log-in throttle must see it."""

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
