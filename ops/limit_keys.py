"""The keys every rate limit counts by, written once.

A limit that counts one exact IP address or one exact address string is beaten by changing a
bit nobody checks: an IPv6 visitor holds a whole /64, `victim+1@`, `victim+2@`... all reach
one inbox, and `a.example.com`, `b.example.com`... are one owner's. These keys are for counting
only: an address's identity is `ops.addresses.identity`.

Every limit counts with them: the comments' flood limit, requests for mail, webmentions.
"""

import ipaddress
from functools import cache

from django.db.models import Q
from django.utils.encoding import punycode
from publicsuffixlist import PublicSuffixList

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


def same_client(field: str, ip: str | None) -> Q | None:
    """The rows whose IP address `field` is `ip`'s client by `client_key` (a range for an
    IPv6 /64, usable by an index on the column); None when `ip` has no key."""
    key = client_key(ip)
    if key is None:
        return None
    network = ipaddress.ip_network(key)
    if network.num_addresses == 1:
        return Q(**{field: key}) | Q(**{field: f"::ffff:{key}"})  # stored either way
    return Q(**{f"{field}__gte": str(network[0]), f"{field}__lte": str(network[-1])})


@cache
def _public_suffixes() -> PublicSuffixList:
    return PublicSuffixList()  # the list bundled with the package: nothing is fetched


def limit_domain(host: str) -> str:
    """The registrable domain of `host` (`a.b.example.co.uk` → `example.co.uk`, by the Public
    Suffix List); the host itself when it has none (a public suffix, `localhost`), and an IP
    address by `client_key`."""
    host = (host or "").strip().rstrip(".").lower()
    if client_key(host) is not None:
        return client_key(host)
    try:
        host = punycode(host).lower()
    except UnicodeError:
        return host
    return _public_suffixes().privatesuffix(host) or host
