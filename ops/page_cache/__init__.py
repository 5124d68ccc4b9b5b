"""Whole pages for readers without cookies, answered from each worker's memory before Django runs.

A WSGI wrapper around Django's application (config/wsgi.py). A GET or HEAD that carries no
cookie and no Authorization, for a view that opted in (`shareable(...)`), is looked up by its
key; a hit is answered from memory without building an HttpRequest (304 when If-None-Match
matches the stored ETag), anything else goes to Django. Only a 200 that is
`Cache-Control: public` and sets no cookie is stored. Everything else, and every request with a
cookie, goes through Django as before.

The key is what the page depends on: the host and scheme as Django validates them
(ALLOWED_HOSTS, SECURE_PROXY_SSL_HEADER: a host Django would refuse is never looked up nor
stored), the path, the query and the form tokens' period. A page has one address: a GET or HEAD
of a shareable view whose query is not canonical (the parameters the view reads, each normalised
by the view's own function, in the order the view names them, as the site's own links write
them; any other parameter dropped) is answered 301 to the
canonical one, cookie or not, before anything else, so Django only ever renders canonical pages.

Invalidation: PostgreSQL NOTIFYs the channel PAGE_CACHE_CHANNEL when anything public changes
(blog migration 0007); each worker LISTENs on a connection of its own, in a thread, and empties
its whole cache on a message. Everything rather than per page: a post's change shows on its page,
its neighbours' links, the home pages, the feeds and the sitemap, a comment's on its page and the
feeds; writes are rare next to reads, and a page that had to name what it depends on would be
the one that is wrongly kept. While the listener is not connected (and for up to a second after
the connection is lost: the heartbeat) nothing is served from memory nor stored. A render begun
before a change is not stored after it (a generation number). Nothing outlives the next
scheduled publication (PAGE_CACHE_NEXT_CHANGE, asked again after each message).

Forms on cached pages carry a fresh token per request: while a page is rendered to be stored,
`ops.form_tokens.issue` writes a placeholder (a marker carrying a random nonce of that rendering)
and records the token's scope, and every answer (hit or miss) has it replaced by a token signed
at that moment. Only those markers are replaced: text that looks like one (a comment, a search
query) stays text, and only scopes the page's own forms asked for are ever signed. A page holding
a marker of its rendering that is malformed or unknown is answered as rendered (its sound
markers replaced), logged, and not stored.

One module per concern, as wagtail's contrib/frontend_cache and Django's split of
middleware/cache.py from utils/cache.py:

- `shareable.py`: what a view declares (`shareable`, `page_number`, `object_id`) and a page's
  one address (`canonical_query`);
- `headers.py`: `share_with_caches` for views, which answers may be stored, ETag comparison;
- `placeholders.py`: form tokens on stored pages (`token_placeholder`, for ops.form_tokens);
- `encodings.py`: gzip and brotli made once, gzip joined around fresh tokens;
- `store.py`: the entries and the byte-bounded store;
- `listener.py`: PostgreSQL's LISTEN, emptying the store;
- `middleware.py`: `PageCache`, the WSGI application that puts them together.

Import from `ops.page_cache`: every name below is kept here whatever module it lives in.
"""

from ops.page_cache.encodings import GZIP_HEADER
from ops.page_cache.headers import (
    CDN_CACHE_CONTROL,
    HOP_BY_HOP,
    SHARED_CACHE_CONTROL,
    share_with_caches,
)
from ops.page_cache.listener import Listener, listen_conninfo
from ops.page_cache.middleware import RENDER_WAIT_SECONDS, RESOLVED_PATHS, Memo, PageCache
from ops.page_cache.placeholders import (
    PLACEHOLDER_END,
    PLACEHOLDER_START,
    Rendering,
    token_placeholder,
)
from ops.page_cache.shareable import (
    Shareable,
    canonical_query,
    object_id,
    page_number,
    shareable,
)
from ops.page_cache.store import QUERY_SHARE, Entry, Store

__all__ = [
    "CDN_CACHE_CONTROL",
    "GZIP_HEADER",
    "HOP_BY_HOP",
    "PLACEHOLDER_END",
    "PLACEHOLDER_START",
    "QUERY_SHARE",
    "RENDER_WAIT_SECONDS",
    "RESOLVED_PATHS",
    "SHARED_CACHE_CONTROL",
    "Entry",
    "Listener",
    "Memo",
    "PageCache",
    "Rendering",
    "Shareable",
    "Store",
    "canonical_query",
    "listen_conninfo",
    "object_id",
    "page_number",
    "share_with_caches",
    "shareable",
    "token_placeholder",
]
