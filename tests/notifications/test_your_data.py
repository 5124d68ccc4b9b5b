"""What the site holds about an address, in one place (notifications.services): the export the
data page serves, and the erasure beside it."""

import pytest

from notifications import services
from notifications.models import Address, NewPostSubscription, Subscription
from tests.support.factories import CommentFactory

pytestmark = pytest.mark.django_db

EMAIL = "ada@example.com"


def test_the_export_holds_an_addresses_comments_and_subscriptions_and_nothing_after_forget(post):
    CommentFactory(post=post, email=EMAIL, body="Batch norm too.")
    CommentFactory(post=post, email="someone.else@example.com")
    address = Address.objects.create(email=EMAIL)
    Subscription.objects.create(address=address, post=post)
    NewPostSubscription.objects.create(address=address)

    exported = services.export(EMAIL)
    assert [comment["text"] for comment in exported["comments"]] == ["Batch norm too."]
    assert exported["subscriptions"] == [
        "each new post",
        f"new comments on “{post.title}”",
    ]

    services.forget(EMAIL)
    assert services.export(EMAIL) == {"email": EMAIL, "comments": [], "subscriptions": []}
