"""A feed of each post's approved comments, newest first."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404

from blog.models import Post
from comments.models import Comment

FEED_LENGTH = 50


class PostCommentsFeed(Feed):
    def get_object(self, request, slug):
        return get_object_or_404(Post.objects.published(), slug=slug)

    def title(self, post):
        return f"Comments on “{post.title}”"

    def link(self, post):
        return f"{post.get_absolute_url()}#comments"

    def description(self, post):
        return f"Approved comments on “{post.title}”."

    def items(self, post):
        comments = Comment.objects.shown().filter(post=post)
        return comments.order_by("-created_at")[:FEED_LENGTH]

    def item_title(self, comment):
        return f"Comment by {comment.name}"

    def item_description(self, comment):
        return comment.body_html

    def item_author_name(self, comment):
        return comment.name

    def item_pubdate(self, comment):
        return comment.created_at
