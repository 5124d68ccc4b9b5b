"""The keys every rate limit counts by, written once.

A limit that counts one exact IP address or one exact address string is beaten by changing a
bit nobody checks: an IPv6 visitor holds a whole /64, and `victim+1@`, `victim+2@`... all reach
one inbox. These keys are for counting only: an address's identity is `ops.addresses.identity`.
"""

import ipaddress

from ops.addresses import identity

IPV6_PREFIX = 64  # what one subscriber is routed: RFC 6177


def client_key(ip: str | None) -> str | None:
    """An IPv4 address as it is; an IPv6 address by its /64 (IPv4-mapped ones as IPv4)."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)


def limit_address(email: str) -> str | None:
    """The address's identity with any `+tag` dropped from its local part."""
    address = identity(email)
    if address is None:
        return None
    local, _, domain = address.rpartition("@")
    return f"{local.split('+', 1)[0] or local}@{domain}"
