"""HTTP caching of the public pages: ETags from what a page shows, Cache-Control by audience.

A page's version is what it is built from (for the post page: the post's last change, its
approved comments' last change and the list of published posts), plus the release that renders
it. A repeat visit whose ETag still matches gets 304 Not Modified after the one query that reads
the version, and the fragment caches in the templates are keyed by the same version.

A request without cookies gets the page everyone gets, so shared caches (a CDN) may keep it a
minute and serve it stale while they fetch a fresh one. A request with a cookie (a session, the
reader's own comments awaiting moderation, a message) may get a page made for it alone: that one
is private and always checked with the site.
"""

import hashlib

from django.db.models import Min
from django.db.models.functions import Now
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from blog.models import Post
from ops import form_tokens
from ops.page_cache import share_with_caches
from ops.release import release

PRIVATE_CACHE_CONTROL = {"private": True, "no_cache": True}


def version(*ingredients) -> str:
    """A short digest of what a page is built from, with the release that renders it and the
    form tokens' period (a page kept alive by 304s must not hold a token that expired)."""
    values = (release(), form_tokens.period(), *ingredients)
    return hashlib.blake2b(repr(values).encode(), digest_size=12).hexdigest()


def post_page_version(post) -> str:
    """The post page's version, the one definition: its ETag and every fragment key of
    blog/post_detail.html come from it. `post` comes from PostQuerySet.for_post_page(), which
    reads all of it in the one query: the post's last change, its discussion's last change (what
    readers see of its comments, kept by PostgreSQL) and the list of published posts (the
    previous and next links)."""
    return version(
        post.pk,
        post.updated_at,
        post.comments_changed_at,
        post.listing_version,
        # Its tags and series as shown: a renamed tag, a part added, moved or withdrawn.
        post.tag_names,
        post.series and (post.series.slug, post.series.title),
        post.series_part_ids,
    )


def listing_page_version(listing_version: str) -> str:
    """The home page's version: the published posts it lists."""
    return version(listing_version)


def taxonomy_page_version(group) -> str:
    """A tag's or a series' page: what it says of itself and the public posts it lists.
    `group` comes from TagQuerySet/SeriesQuerySet.for_page(), which reads both in one query."""
    return version(
        type(group).__name__,
        group.pk,
        group.slug,
        str(group),
        getattr(group, "description", ""),
        group.listing_version,
    )


def next_scheduled_publication():
    """When the next scheduled post comes due (None if none is scheduled): every public page may
    change then with no write, so the page cache (ops/page_cache/, PAGE_CACHE_NEXT_CHANGE)
    keeps nothing past it. Read from the primary: it is asked right after a change."""
    return (
        Post.objects.using("default")
        .filter(status=Post.Status.PUBLISHED, published_at__gt=Now())
        .aggregate(next=Min("published_at"))["next"]
    )


def weak_etag(page_version: str) -> str:
    # Weak: two renderings of one version differ in the forms' tokens, nothing else.
    return f'W/"{page_version}"'


class ConditionalPageMixin:
    """A GET view answering a repeat visit with 304, and saying who may cache its page.

    Subclasses define page_version(), one of the functions above: it runs on every request that
    carries no cookie, 304 or not, so it reads what it needs in as few queries as possible.
    Django's `condition` decorator is not used because it would read the version a second time
    for the page itself; here the post read for the version is the one the page shows.
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
            share_with_caches(response)
        # Whether the page is shared depends on the cookies sent.
        patch_vary_headers(response, ["Cookie"])
        return response
