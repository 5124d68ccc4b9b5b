"""RSS 2.0 and Atom feeds of the published posts, each entry carrying the post's full HTML, and
an Atom feed of each tag's."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from blog.models import Post, Tag
from ops.page_cache import share_with_caches, shareable

FEED_LENGTH = 20


class RssWithContent(Rss201rev2Feed):
    """RSS 2.0 with the article in `content:encoded`, leaving `description` as the summary."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content_html"])


class AtomWithContent(Atom1Feed):
    """Atom with the article in `<content type="html">` next to the `<summary>`."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content_html"], {"type": "html"})


@shareable
class PostsFeed(Feed):
    feed_type = RssWithContent
    link = reverse_lazy("blog:post-list")

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        return share_with_caches(response)  # the same for every reader

    def title(self):
        return settings.BLOG_TITLE

    def description(self):
        return settings.BLOG_DESCRIPTION

    def items(self):
        return Post.objects.published().select_related("author")[:FEED_LENGTH]

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return post.description

    def item_author_name(self, post):
        return post.author_name

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_extra_kwargs(self, post):
        return {"content_html": post.body_html}


class PostsAtomFeed(PostsFeed):
    feed_type = AtomWithContent
    subtitle = PostsFeed.description


@shareable
class TagAtomFeed(PostsAtomFeed):
    """The posts on one tag; an unknown tag is a 404."""

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def title(self, tag):
        return f"{tag.name} · {settings.BLOG_TITLE}"

    def link(self, tag):
        return tag.get_absolute_url()

    def subtitle(self, tag):
        return f"Posts on {tag.name}"

    def items(self, tag):
        return tag.posts.published().select_related("author")[:FEED_LENGTH]
