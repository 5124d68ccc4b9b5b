"""Header helpers, as Django's django/utils/cache.py is to its cache middleware: what a view puts
on a page every reader without cookies may share (`share_with_caches`), which answers the page
cache may store (`storable`), and the conditional GET's ETag comparison."""

from django.utils.cache import patch_cache_control

# Headers of Django's answer that the page cache writes anew for each answer, never stores.
HOP_BY_HOP = {"content-length", "date", "server", "connection"}

# Browsers ask again at every visit (If-None-Match: a 304 from memory costs about what a hit
# does): a page a browser keeps for a minute cannot be taken back, and a reader who just deleted
# a comment or an editor who restored a revision must not see the old page, nor must anyone
# else. Shared caches that read RFC 9213's CDN-Cache-Control may keep it a minute, and serve it
# stale while they fetch the new one. The page cache and nginx's microcache are emptied at once.
SHARED_CACHE_CONTROL = {"public": True, "no_cache": True}
CDN_CACHE_CONTROL = "max-age=60, stale-while-revalidate=600"


def share_with_caches(response):
    """Say that `response` is the same page for every reader without cookies (see above)."""
    patch_cache_control(response, **SHARED_CACHE_CONTROL)
    response.headers.setdefault("CDN-Cache-Control", CDN_CACHE_CONTROL)
    return response


def storable(status, headers) -> bool:
    """Whether Django's answer (a WSGI status and header list) is one page for every reader: a
    200, `Cache-Control: public`, no cookie set, no CSP nonce."""
    if not status.startswith("200 "):
        return False
    names = {name.lower(): value for name, value in headers}
    if "set-cookie" in names:
        return False
    cache_control = {
        part.strip().split("=")[0] for part in names.get("cache-control", "").lower().split(",")
    }
    # "no-cache" is what browsers are told (SHARED_CACHE_CONTROL): they revalidate, and the page
    # cache is emptied on every change.
    if "public" not in cache_control or cache_control & {"private", "no-store"}:
        return False
    # A nonce belongs to one response only.
    return "nonce-" not in names.get("content-security-policy", "")


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison, as Django's get_conditional_response does for GET and HEAD."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in if_none_match.split(","))
