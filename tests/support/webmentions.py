"""A post with approved mentions from other sites, as the discussion shows them: replies whose
content is the hostile corpus (tests/data/bad_inputs.json), likes and a repost."""

import json
from pathlib import Path

from django.utils import timezone

from tests.support.factories import PostFactory
from webmentions.models import Webmention

BAD_INPUTS = json.loads((Path(__file__).parents[1] / "data" / "bad_inputs.json").read_text())


def post_with_mentions(replies: int = 6):
    post = PostFactory(title="A post answered from elsewhere")
    target = f"https://blog.example{post.get_absolute_url()}"
    approved = {"post": post, "target": target, "status": Webmention.Status.APPROVED}
    verified = {"verification": Webmention.Verification.VERIFIED, "verified_at": timezone.now()}
    for n, case in enumerate(BAD_INPUTS[:replies]):
        Webmention.objects.create(
            source=f"https://site{n}.example/replies/{n}",
            kind=Webmention.Kind.REPLY,
            author_name=case["input"][:100],
            author_url=f"https://site{n}.example/",
            content=case["input"],
            **approved,
            **verified,
        )
    for n, kind in enumerate([Webmention.Kind.LIKE, Webmention.Kind.LIKE, Webmention.Kind.REPOST]):
        Webmention.objects.create(
            source=f"https://fan{n}.example/{kind}",
            kind=kind,
            author_name=f"Fan {n}",
            **approved,
            **verified,
        )
    return post


def pending_mention(post=None, *, source="https://alice.example/reply", **fields):
    """A verified reply from another site, waiting for the moderators."""
    post = post or PostFactory()
    values = {
        "source": source,
        "target": f"https://blog.example{post.get_absolute_url()}",
        "post": post,
        "kind": Webmention.Kind.REPLY,
        "author_name": "Alice Example",
        "author_url": "https://alice.example/",
        "content": "A reply from elsewhere.",
        "status": Webmention.Status.PENDING,
        "verification": Webmention.Verification.VERIFIED,
        "verified_at": timezone.now(),
        **fields,
    }
    return Webmention.objects.create(**values)
