from django import template

from notifications.forms import FollowForm, SubscribeForm

register = template.Library()


@register.inclusion_tag("notifications/follow_form.html")
def render_follow_form(post):
    """ "Follow the discussion" under a post's comments."""
    return {"post": post, "form": FollowForm(post=post)}


@register.inclusion_tag("notifications/subscribe_form.html")
def render_subscribe_form():
    """ "Subscribe to new posts", in every page's footer."""
    return {"form": SubscribeForm()}
