"""What the blog's templates use to show comments: the count, the list, the form, the feed link."""

from django import template
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from comments import services
from comments.forms import CommentForm
from comments.models import Comment
from comments.own_comments import OWN_COMMENTS

register = template.Library()


@register.simple_tag
def approved_comment_count(post):
    """How many comments a post shows (a deleted comment's placeholder is not one)."""
    return Comment.objects.shown().filter(post=post).count()


@register.inclusion_tag("comments/list.html", takes_context=True)
def render_comments(context, post):
    """One page of approved threads (a fixed number of queries however many there are): the same
    for every reader, so the post page caches it."""
    request = context["request"]
    approved = Comment.objects.approved().select_related("user")
    threads = approved.filter(post=post, parent=None).prefetch_related(
        Prefetch("replies", queryset=approved, to_attr="approved_replies")
    )
    page = Paginator(threads, settings.COMMENTS_PER_PAGE).get_page(request.GET.get("comment_page"))
    return {"post": post, "page": page}


@register.inclusion_tag("comments/awaiting.html", takes_context=True)
def render_awaiting_comments(context, post):
    """The reader's own comments, which only they see: those awaiting moderation in full, and
    Edit and Delete for the published ones (outside the cached list every reader gets)."""
    own_ids = OWN_COMMENTS.ids(context["request"])
    if not own_ids:
        return {}
    own = list(
        Comment.objects.filter(post=post, pk__in=own_ids, deleted_at=None)
        .exclude(status=Comment.Status.REJECTED)
        .select_related("parent")
    )
    now = timezone.now()
    for comment in own:
        comment.editable = services.edit_refusal(comment, now) is None
    return {
        "awaiting": [c for c in own if c.status != Comment.Status.APPROVED],
        "published": [c for c in own if c.status == Comment.Status.APPROVED],
    }


@register.inclusion_tag("comments/form.html", takes_context=True)
def render_comment_form(context, post):
    """The "Post a Comment" form: fresh, a reply (?reply_to=<id>), or the reader's own sent back
    by the comment view with its messages and everything they typed."""
    request = context["request"]
    form = context.get("comment_form")
    if form is not None:
        replying_to = form.cleaned_data.get("parent") if hasattr(form, "cleaned_data") else None
    else:
        user = request.user if request.user.is_authenticated else None
        replying_to = Comment.objects.reply_target(post, request.GET.get("reply_to", ""))
        form = CommentForm(post=post, user=user, initial={"parent": replying_to and replying_to.pk})
    return {"post": post, "form": form, "replying_to": replying_to}


@register.simple_tag
def comments_feed_link(post):
    """`<link rel="alternate">` for the head of the post's page."""
    return format_html(
        '<link rel="alternate" type="application/rss+xml" title="{}" href="{}">',
        f"Comments on “{post.title}”",
        reverse("comments:post-feed", kwargs={"slug": post.slug}),
    )
