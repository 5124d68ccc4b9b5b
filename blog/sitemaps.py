"""The sitemap: the home page, every published post with the time it last changed, and the
tags and series that have a published post."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from blog.models import Post, Series, Tag, published_lookup


class HomeSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["blog:post-list"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        newest = Post.objects.published().order_by("-updated_at").first()
        return newest.updated_at if newest else None


class PostSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Post.objects.published().only("slug", "updated_at")

    def lastmod(self, post):
        return post.updated_at


class PostGroupSitemap(Sitemap):
    """Tags or series with a public post, last changed when their newest public post did."""

    changefreq = "weekly"
    model = None

    def items(self):
        public = {f"posts__{name}": value for name, value in published_lookup().items()}
        return (
            self.model.objects.filter(**public)
            .annotate(lastmod=Max("posts__updated_at"))
            .order_by("pk")
        )

    def lastmod(self, group):
        return group.lastmod


class TagSitemap(PostGroupSitemap):
    model = Tag


class SeriesSitemap(PostGroupSitemap):
    model = Series


SITEMAPS = {"home": HomeSitemap, "posts": PostSitemap, "tags": TagSitemap, "series": SeriesSitemap}
