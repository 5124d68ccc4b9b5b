from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.forms import issue_token

READER_ADDRESS = "198.51.100.7"


def form_data(post, *, seconds_ago=30, user=None, **fields):
    """What a reader's browser sends: the fields as filled in, and the form's token as rendered
    `seconds_ago` (a person takes a while to write)."""
    rendered_at = timezone.now() - timedelta(seconds=seconds_ago)
    return {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "body": "A thoughtful comment about the guide.",
        "website": "",
        "parent": "",
        "token": issue_token(post, user, rendered_at),
        **fields,
    }


def comment_url(post):
    return reverse("comments:post-comment", kwargs={"slug": post.slug})


@pytest.fixture
def send_comment(client, post):
    """Post the comment form as a reader would, from READER_ADDRESS unless told otherwise."""

    def send(target=None, *, address=READER_ADDRESS, seconds_ago=30, user=None, **fields):
        target = target or post
        headers = {key: fields.pop(key) for key in list(fields) if key.startswith("HTTP_")}
        data = form_data(target, seconds_ago=seconds_ago, user=user, **fields)
        return client.post(comment_url(target), data, REMOTE_ADDR=address, **headers)

    return send
