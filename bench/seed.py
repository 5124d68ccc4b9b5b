"""Fill the benchmark's database (DATABASE_URL) after `migrate` and `loadposts`: 50 approved
comments on the guide, and a copy of the guide with 10,000. Prints what bench/run.py needs, as
JSON: the two posts' addresses and the comment rules the posters must respect.

Run by bench/run.py; never point it at a database you care about (it adds a post and comments).
"""

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402 (after the path and settings are known)

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from blog.markdown import render_comment  # noqa: E402
from blog.models import Post  # noqa: E402
from comments.models import Comment  # noqa: E402

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


def approved_comments(post, count: int) -> None:
    """`count` approved comments on `post`, a minute apart. All start threads, so that the first
    page of a post with 10,000 shows the same 50 comments as the post with 50: the pages differ
    only in how many comments lie behind them."""
    start = timezone.now() - timedelta(days=30)
    comments = []
    for n in range(count):
        body = comment_text(n)
        comments.append(
            Comment(
                post=post,
                name=f"Reader {n}",
                email=f"reader{n}@example.com",
                body=body,
                body_html=render_comment(body),
                status=Comment.Status.APPROVED,
                created_at=start + timedelta(minutes=n),
            )
        )
    Comment.objects.bulk_create(comments)


@transaction.atomic
def main() -> None:
    guide = Post.objects.get(slug=GUIDE_SLUG)
    busy = Post.objects.create(
        title=f"{guide.title} (10,000 comments)",
        slug=BUSY_SLUG,
        description=guide.description,
        body=guide.body,
        status=Post.Status.PUBLISHED,
        published_at=guide.published_at - timedelta(days=1),
    )
    approved_comments(guide, 50)
    approved_comments(busy, 10_000)
    print(
        json.dumps(
            {
                "post": guide.get_absolute_url(),
                "busy_post": busy.get_absolute_url(),
                "comment_form": reverse("comments:post-comment", kwargs={"slug": guide.slug}),
                "home": reverse("blog:post-list"),
                "search": reverse("blog:search"),
                "health": reverse("health"),
                "robots": reverse("blog:robots-txt"),
                "min_submit_seconds": settings.COMMENTS_MIN_SUBMIT_SECONDS,
                "flood_limit": settings.COMMENTS_FLOOD_LIMIT,
            }
        )
    )


if __name__ == "__main__":
    main()
