"""Share-preview links: a draft or scheduled post shown to whoever has the link, without log-in.

A link is `/preview/<token>/`, its own address (never the post's): the token is signed with the
site's secret key (django.core.signing) and dated, so it expires after BLOG_SHARE_LINK_MAX_AGE
seconds (7 days by default), and it names the post's current `share_secret` by a digest, so
giving the post a new secret (`revoke`) makes every link given before it answer 404.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from blog.models import Post, new_share_secret

SALT = "blog.share-preview"


class LinkExpired(Exception):
    """The link was genuine, but is older than BLOG_SHARE_LINK_MAX_AGE."""


class LinkInvalid(Exception):
    """Not a link we gave, or one revoked since, or its post is gone."""


def _secret_digest(secret: str) -> str:
    return hashlib.blake2b(secret.encode(), digest_size=12).hexdigest()


def max_age() -> timedelta:
    return timedelta(seconds=settings.BLOG_SHARE_LINK_MAX_AGE)


def share_url(post) -> str:
    """A new link (path) to the post's preview, valid for max_age() unless revoked."""
    token = signing.dumps({"post": post.pk, "key": _secret_digest(post.share_secret)}, salt=SALT)
    return reverse("blog:share-preview", kwargs={"token": token})


def expires_at(now=None):
    return (now or timezone.now()) + max_age()


def read(token: str) -> Post:
    """The post a link shows; LinkExpired or LinkInvalid otherwise."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    post = (
        Post.objects.select_related("author").filter(pk=data.get("post")).first()
        if isinstance(data, dict)
        else None
    )
    if post is None or not constant_time_compare(
        _secret_digest(post.share_secret), str(data.get("key", ""))
    ):
        raise LinkInvalid
    return post


def revoke(post) -> None:
    """Give the post a new secret: every share link given so far stops working."""
    post.share_secret = new_share_secret()
    # An update, not save(): no revision of unchanged text, no new updated_at.
    Post.objects.filter(pk=post.pk).update(share_secret=post.share_secret)
