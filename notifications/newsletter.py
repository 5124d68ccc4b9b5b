"""Mail of new posts to the newsletter's subscribers: what the worker does.

When a post with "Email to subscribers" becomes public (`blog.signals.post_became_public`:
published now, or a scheduled one when its time comes), `mail_new_post` starts its one
`NewPostMailing` and makes a `NewPostDelivery` row for every confirmed subscriber at once.
`send_batch` then sends NEW_POST_MAIL_BATCH copies every NEW_POST_MAIL_BATCH_SECONDS. Each copy
is marked as being sent (with its Message-ID, fixed once) and committed before SMTP, then marked
sent, so:

- a worker killed mid-batch leaves its unsent rows unsent and the next batch, queued before this
  one sends anything, carries on: nobody is missed, nobody whose copy was marked sent gets
  another, and the one copy left marked as being sent (the server may have accepted it) is sent
  again with the same Message-ID: at most one repeat per killed worker;
- with the SMTP server down, a copy stays unsent and is tried again later, with ops.mail's
  back-off (MAIL_RETRY_*), and marked failed only after MAIL_MAX_ATTEMPTS.

One batch of a mailing runs at a time (a PostgreSQL advisory lock, released when its connection
ends, a killed worker's too); each batch queues exactly one next batch while copies remain.
"""

import logging
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Min
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from blog.models import Post
from notifications import links
from notifications.models import NewPostDelivery, NewPostMailing, NewPostSubscription
from ops.mail import message, new_message_id
from ops.retry import retry_delay

logger = logging.getLogger("notifications.newsletter")


def mail_now_public(sender, post: Post, **kwargs) -> None:
    """`blog.signals.post_became_public`: start the post's mailing if it is to be mailed, or
    resume it if it was paused while the post was withdrawn. Idempotent: one mailing per post,
    and a mailing resumes once."""
    if not post.mail_subscribers:
        return
    mailing = NewPostMailing.objects.filter(post=post).first()
    if mailing is None:
        transaction.on_commit(lambda: mail_new_post.enqueue(post.pk))
    elif resume(mailing.pk):
        # Paused while the post was withdrawn: the rest goes out now it is public again.
        transaction.on_commit(lambda: send_batch.enqueue(mailing.pk))
    # Otherwise mailed already: a post is mailed once.


def resume(mailing_id: int) -> bool:
    """Clear a paused mailing's mark; True for the one caller that cleared it."""
    paused = NewPostMailing.objects.filter(pk=mailing_id).exclude(paused_at=None)
    return bool(paused.update(paused_at=None))


@task()
def mail_new_post(post_id: int) -> None:
    """Start the post's mailing, once, if the post is public and still to be mailed (its
    schedule or its box may have changed since this was queued)."""
    post = Post.objects.published().filter(pk=post_id, mail_subscribers=True).first()
    if post is None:
        return
    try:
        with transaction.atomic():
            mailing = NewPostMailing.objects.create(post=post)
            NewPostDelivery.objects.bulk_create(
                NewPostDelivery(mailing=mailing, subscription=subscription)
                for subscription in NewPostSubscription.objects.active().order_by("pk")
            )
            transaction.on_commit(lambda: send_batch.enqueue(mailing.pk))
    except IntegrityError:
        return  # another task started it: one mailing per post


@contextmanager
def batch_lock(mailing_id: int):
    """Whether this worker holds the mailing's batch lock (a session advisory lock, which a
    dead worker's connection gives back)."""
    key = [f"notifications.newsletter:{mailing_id}"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", key)
        [held] = cursor.fetchone()
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", key)


@task()
def send_batch(mailing_id: int) -> None:
    interval = timedelta(seconds=settings.NEW_POST_MAIL_BATCH_SECONDS)
    with batch_lock(mailing_id) as held:
        if not held:
            # A batch of this mailing is being sent: this one's place in the chain comes later.
            send_batch.using(run_after=timezone.now() + interval).enqueue(mailing_id)
            return
        pending = NewPostDelivery.objects.pending().filter(mailing_id=mailing_id)
        earliest = pending.aggregate(at=Min("next_attempt_at"))["at"]
        if earliest is None:
            return  # every copy is sent (or given up on)
        mailing = NewPostMailing.objects.select_related("post").get(pk=mailing_id)
        public = Post.objects.published().filter(pk=mailing.post_id)
        if not public.exists():
            # Withdrawn meanwhile: no link to a missing page. Saving it public again resumes
            # (mail_now_public); a publication between the look-up and the mark is seen here.
            NewPostMailing.objects.filter(pk=mailing_id).update(paused_at=timezone.now())
            if not public.exists() or not resume(mailing_id):
                return
        # Queued before anything is sent: if this worker dies mid-batch, the next carries on.
        send_batch.using(run_after=max(timezone.now() + interval, earliest)).enqueue(mailing_id)
        for _ in range(settings.NEW_POST_MAIL_BATCH):
            if not send_next_copy(mailing):
                break


def send_next_copy(mailing: NewPostMailing) -> bool:
    """Send one due copy of `mailing`; False when none is due.

    The copy is marked as being sent, with its Message-ID, and that is committed before SMTP.
    A worker killed after the server accepted the copy and before it was marked sent leaves the
    mark: the next batch sends that one copy again, with the same Message-ID (exactly once is
    impossible over SMTP; this makes it at most one repeat per killed worker, which mail
    clients show as one message). One batch of a mailing runs at a time (`batch_lock`), so no
    other worker sends the copy meanwhile."""
    with transaction.atomic():
        delivery = (
            NewPostDelivery.objects.pending()
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription__address")
            .filter(mailing=mailing, next_attempt_at__lte=timezone.now())
            .order_by("pk")
            .first()
        )
        if delivery is None:
            return False
        if delivery.sending_at is not None:
            logger.warning(
                "new post copy %s was being sent by a worker that stopped: sending it again "
                "with the same Message-ID %s",
                delivery.pk,
                delivery.message_id,
            )
        delivery.message_id = delivery.message_id or new_message_id()
        delivery.sending_at = timezone.now()
        delivery.attempts += 1
        delivery.save(update_fields=["message_id", "sending_at", "attempts"])
    outcome = {"sending_at": None}
    try:
        new_post_message(mailing.post, delivery.subscription, delivery.message_id).send()
    except Exception as error:  # SMTP refusals, timeouts, a server that is down
        outcome["last_error"] = f"{type(error).__name__}: {error}"[:2000]
        if delivery.attempts >= settings.MAIL_MAX_ATTEMPTS:
            outcome["failed_at"] = timezone.now()
            logger.error("giving up on new post copy %s", delivery.pk)
        else:
            outcome["next_attempt_at"] = timezone.now() + retry_delay(
                delivery.attempts,
                base=settings.MAIL_RETRY_BASE_SECONDS,
                cap=settings.MAIL_RETRY_MAX_SECONDS,
            )
            logger.warning("could not send new post copy %s: %s", delivery.pk, error)
    else:
        outcome.update(sent_at=timezone.now(), last_error="")
    # An update, not a save: the subscriber may have unsubscribed (the row deleted) meanwhile.
    NewPostDelivery.objects.filter(pk=delivery.pk).update(**outcome)
    return True


def new_post_message(post: Post, subscription: NewPostSubscription, message_id: str):
    """The mail of a new post: its title, description and link, in plain text and HTML, with
    one-click unsubscribe (RFC 8058) from the newsletter."""
    unsubscribe_url = links.UNSUBSCRIBE_NEW_POSTS.url(subscription.pk)
    context = {
        "blog_title": settings.BLOG_TITLE,
        "post": post,
        "post_url": links.absolute(post.get_absolute_url()),
        "unsubscribe_url": unsubscribe_url,
    }
    return message(
        to=subscription.address.email,
        subject=f"{post.title} · {settings.BLOG_TITLE}",
        text=render_to_string("notifications/email/new_post.txt", context),
        html=render_to_string("notifications/email/new_post.html", context),
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        message_id=message_id,
    )
