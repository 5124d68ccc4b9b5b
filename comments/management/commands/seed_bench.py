"""`manage.py seed_bench`: the benchmark's data (`make bench`), after `manage.py setup`.

Adds 50 approved comments to the guide and a copy of the guide with 10,000, then prints, as one
line of JSON, what bench/run.py needs: the two posts' addresses, the other pages it measures
and the comment rules its posters must respect. Never point it at a database you care about
(bench/run.py runs it on a database of its own).
"""

import json
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from blog.models import Post
from comments.markup import render_comment
from comments.models import Comment

GUIDE_SLUG = "how-to-become-a-machine-learning-engineer"
BUSY_SLUG = f"{GUIDE_SLUG}-10000-comments"

# Comments as readers write them: a few sentences, now and then some Markdown.
PHRASES = [
    "Thanks for writing this up, the section on *evaluation* finally made it click for me.",
    "I moved from backend work to ML last year and the advice on MLOps matches what I saw.",
    "Could you say more about feature stores? We keep rebuilding the same pipelines.",
    "The reading list is great. I would add a note on `numpy` broadcasting for beginners.",
    "Bookmarked. The part about shipping a small model first is underrated.",
    "How much statistics do you think is enough before the first job?",
    "We interview ML engineers and this is close to what we look for:\n\n- coding\n- data\n- "
    "judgement",
]


def comment_text(n: int) -> str:
    first = PHRASES[n % len(PHRASES)]
    second = PHRASES[(n * 3 + 1) % len(PHRASES)]
    return f"{first}\n\n{second} (reader {n})" if n % 3 else first


def add_approved_comments(post: Post, count: int) -> None:
    """`count` approved comments on `post`, a minute apart. All start threads, so that the first
    page of a post with 10,000 shows the same 50 comments as the post with 50: the pages differ
    only in how many comments lie behind them. bulk_create skips save(), so the HTML is
    rendered here, by the same function."""
    start = timezone.now() - timedelta(days=30)
    Comment.objects.bulk_create(
        Comment(
            post=post,
            name=f"Reader {n}",
            email=f"reader{n}@example.com",
            body=comment_text(n),
            body_html=render_comment(comment_text(n)),
            status=Comment.Status.APPROVED,
            created_at=start + timedelta(minutes=n),
        )
        for n in range(count)
    )


class Command(BaseCommand):
    help = (
        "Benchmark data: 50 approved comments on the guide and a copy of it with 10,000; prints "
        "the addresses and comment rules bench/run.py needs, as JSON. For a bench database only."
    )

    @transaction.atomic
    def handle(self, **options):
        guide = Post.objects.get(slug=GUIDE_SLUG)
        busy = Post.objects.create(
            title=f"{guide.title} (10,000 comments)",
            slug=BUSY_SLUG,
            description=guide.description,
            body=guide.body,
            status=Post.Status.PUBLISHED,
            published_at=guide.published_at - timedelta(days=1),
        )
        add_approved_comments(guide, 50)
        add_approved_comments(busy, 10_000)
        seeded = {
            "post": guide.get_absolute_url(),
            "busy_post": busy.get_absolute_url(),
            "comment_form": reverse("comments:post-comment", kwargs={"slug": guide.slug}),
            "home": reverse("blog:post-list"),
            "search": reverse("blog:search"),
            "health": reverse("ops:health"),
            "robots": reverse("ops:robots-txt"),
            "min_submit_seconds": settings.COMMENTS_MIN_SUBMIT_SECONDS,
            "flood_limit": settings.COMMENTS_FLOOD_LIMIT,
        }
        self.stdout.write(json.dumps(seeded))
