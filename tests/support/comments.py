"""What a reader's browser sends with the comment form."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from comments.forms import issue_token

# The address a reader's comment comes from, unless a test says otherwise.
READER_ADDRESS = "198.51.100.7"


def form_data(post, *, seconds_ago=30, user=None, **fields):
    """The comment form's fields as a reader fills them in, with the form's token as rendered
    `seconds_ago` (a person takes a while to write)."""
    rendered_at = timezone.now() - timedelta(seconds=seconds_ago)
    return {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "body": "A thoughtful comment about the guide.",
        "honeypot": "",
        "parent": "",
        "token": issue_token(post, user, rendered_at),
        **fields,
    }


def comment_url(post):
    """Where the comment form posts to."""
    return reverse("comments:post-comment", kwargs={"slug": post.slug})
