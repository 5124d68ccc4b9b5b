"""HTTP caching of the public pages: ETags from what a page shows, Cache-Control by audience.

A page's version is what it is built from (for the post page: the post's last change, its
approved comments' last change and the list of published posts), plus the release that renders
it. A repeat visit whose ETag still matches gets 304 Not Modified after the one query that reads
the version, and the fragment caches in the templates are keyed by the same values.

A request without cookies gets the page everyone gets, so shared caches (a CDN) may keep it a
minute and serve it stale while they fetch a fresh one. A request with a cookie (a session, the
reader's own comments awaiting moderation, a message) may get a page made for it alone: that one
is private and always checked with the site.
"""

import hashlib
import time
from functools import cache

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

SHARED_CACHE_CONTROL = {"public": True, "max_age": 60, "stale_while_revalidate": 600}
PRIVATE_CACHE_CONTROL = {"private": True, "no_cache": True}

# What a release is made of: a deploy that changes any of it changes every ETag.
RELEASE_FOLDERS = ["blog", "comments", "config", "templates"]
RELEASE_SUFFIXES = {".py", ".html", ".txt"}


@cache
def release() -> str:
    """A digest of the code and templates this process runs and of the static files' hashed names,
    so that no reader keeps a page built by the previous release."""
    digest = hashlib.blake2b(digest_size=8)
    for folder in RELEASE_FOLDERS:
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.suffix in RELEASE_SUFFIXES:
                digest.update(path.read_bytes())
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()


def comment_token_period() -> int:
    """Which half of a comment form token's lifetime it is now. The post page's ETag changes
    with it, so a copy kept alive by 304s never holds a token the comments app would refuse."""
    return int(time.time()) // max(1, settings.COMMENTS_TOKEN_MAX_AGE_SECONDS // 2)


def weak_etag(version) -> str:
    # Weak: two renderings of one version differ in the comment form's token, nothing else.
    digest = hashlib.blake2b(repr((release(), version)).encode(), digest_size=12).hexdigest()
    return f'W/"{digest}"'


class ConditionalPageMixin:
    """A GET view answering a repeat visit with 304, and saying who may cache its page.

    Subclasses define page_version(): everything the page is built from, read in as few queries as
    possible since it runs on every request that carries no cookie, 304 or not.
    """

    def page_version(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        if request.COOKIES:
            response = super().get(request, *args, **kwargs)
            patch_cache_control(response, **PRIVATE_CACHE_CONTROL)
        else:
            etag = weak_etag(self.page_version())
            response = get_conditional_response(request, etag=etag)
            if response is None:
                response = super().get(request, *args, **kwargs)
            response.headers.setdefault("ETag", etag)
            patch_cache_control(response, **SHARED_CACHE_CONTROL)
        # Whether the page is shared depends on the cookies sent.
        patch_vary_headers(response, ["Cookie"])
        return response
