"""The sitemap: the home page and every published post with the time it last changed."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from blog.models import Post


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


SITEMAPS = {"home": HomeSitemap, "posts": PostSitemap}
