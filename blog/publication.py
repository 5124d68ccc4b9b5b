"""A post becoming public, announced once: `post_became_public` (blog.signals).

A scheduled post becomes public with no write at all (`published()` compares `published_at`
with PostgreSQL's clock), so nothing can announce it as it is saved. Instead each save of a
published post queues `announce_if_public`, to run at `published_at` (at once if that has
come). The task checks `Post.objects.published()` and claims the announcement with one UPDATE
... WHERE public_announced_at IS NULL: of any number of queued tasks, on any number of workers,
only one sends the signal. A save of a post that is not public clears the mark (`Post.save`),
so a withdrawn post published again is announced again.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone
from django_tasks import task

from blog.models import Post
from blog.signals import post_became_public

CLOCK_SKEW_MARGIN = timedelta(seconds=1)


def post_saved(sender, instance: Post, raw=False, **kwargs) -> None:
    """Django's post_save of a post (the admin, an import, a revision restored): announce it
    when it is public. Never for fixtures."""
    post = instance
    if raw or post.status != Post.Status.PUBLISHED:
        return
    run_after = post.published_at if post.published_at > timezone.now() else None
    transaction.on_commit(lambda: announce_if_public.using(run_after=run_after).enqueue(post.pk))


@task()
def announce_if_public(post_id: int) -> None:
    """Send `post_became_public` if the post is public and not announced yet: once."""
    with transaction.atomic():
        claimed = (
            Post.objects.published()
            .filter(pk=post_id, public_announced_at=None)
            .update(public_announced_at=Now())
        )
        if claimed:
            post_became_public.send(sender=Post, post=Post.objects.get(pk=post_id))
            return
        # The worker's clock made the task due, PostgreSQL's says the post's time has not come
        # yet (a clock a little behind ours): look again once it has, rather than never.
        due = (
            Post.objects.filter(
                pk=post_id,
                status=Post.Status.PUBLISHED,
                public_announced_at=None,
                published_at__gt=Now(),
            )
            .values_list("published_at", flat=True)
            .first()
        )
        if due is not None:
            later = due + CLOCK_SKEW_MARGIN
            transaction.on_commit(
                lambda: announce_if_public.using(run_after=later).enqueue(post_id)
            )
