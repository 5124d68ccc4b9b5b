"""What the post page shows of webmentions: the endpoint's <link>, and approved mentions."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from webmentions.models import Webmention

register = template.Library()


@register.simple_tag(takes_context=True)
def webmention_link(context):
    """`<link rel="webmention">` for the head of a post's page (the Link header says the same)."""
    url = context["request"].build_absolute_uri(reverse("webmentions:endpoint"))
    return format_html('<link rel="webmention" href="{}">', url)


@register.inclusion_tag("webmentions/discussion.html")
def render_webmentions(post):
    """Replies and mentions in full; likes and reposts as a count with names. The same for every
    reader: the post page caches it under its version (approving one changes it)."""
    mentions = list(Webmention.objects.approved().filter(post=post))
    by_kind = {kind: [m for m in mentions if m.kind == kind] for kind in Webmention.Kind.values}
    return {
        "replies": by_kind["reply"] + by_kind["mention"],
        "likes": by_kind["like"],
        "reposts": by_kind["repost"],
    }
