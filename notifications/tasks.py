"""What the task worker does for mail to readers: subscribing, confirming, announcing comments.

Mail is built here, from approved comments and the site's own words only, and leaves through
ops.mail (stored, then sent with retries).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import ngettext
from django_tasks import task

from blog.models import Post
from comments.models import Comment
from comments.services import is_trusted
from notifications import links
from notifications.models import Address, NewPostSubscription, Subscription, normalise
from ops.mail import send_later

ONE_DAY = timedelta(days=1)
logger = logging.getLogger("notifications")


@task()
def subscribe(email: str, post_id: int, thread_id: int | None, marks: list[int]) -> None:
    """Record a subscription; it starts at once for a confirmed address asked for from a browser
    that confirmed it, otherwise once the address confirms (by a mailed link)."""
    if not Post.objects.filter(pk=post_id).exists():
        return
    if thread_id is not None and not Comment.objects.filter(pk=thread_id).exists():
        return
    now = timezone.now()
    with transaction.atomic():
        address, _ = Address.objects.get_or_create(email=normalise(email))
        address = Address.objects.select_for_update().get(pk=address.pk)
        subscription, _ = Subscription.objects.get_or_create(
            address=address, post_id=post_id, thread_id=thread_id
        )
        if subscription.active_since is not None:
            return
        if address.confirmed_at is not None and address.pk in marks:
            subscription.active_since = now
            subscription.save(update_fields=["active_since"])
            return
        mail_confirmation(address, now)


@task()
def subscribe_to_new_posts(email: str, marks: list[int]) -> None:
    """Record a subscription to new posts; it starts as a Subscription does (see subscribe)."""
    now = timezone.now()
    with transaction.atomic():
        address, _ = Address.objects.get_or_create(email=normalise(email))
        address = Address.objects.select_for_update().get(pk=address.pk)
        subscription, _ = NewPostSubscription.objects.get_or_create(address=address)
        if subscription.active_since is not None:
            return
        if address.confirmed_at is not None and address.pk in marks:
            subscription.active_since = now
            subscription.save(update_fields=["active_since"])
            return
        mail_confirmation(address, now)


def mail_confirmation(address: Address, now) -> None:
    """At most one confirmation mail a day. A link is mailed again unchanged while it has more
    than that day to live (so it outlives the wait for the next one); otherwise a new one."""
    if address.confirmation_mailed_at and now - address.confirmation_mailed_at < ONE_DAY:
        return
    if address.confirmation_sent_at is None or now + ONE_DAY > links.confirmation_expires_at(
        address
    ):
        address.confirmation_sent_at = now
    goes_at = confirmation_slot(now)
    if goes_at > now:
        logger.warning(
            "over NOTIFICATIONS_CONFIRMATIONS_PER_HOUR: the confirmation mail to address %s "
            "goes at %s",
            address.pk,
            goes_at.isoformat(),
        )
    address.confirmation_mailed_at = goes_at
    address.save(update_fields=["confirmation_sent_at", "confirmation_mailed_at"])
    context = {
        "blog_title": settings.BLOG_TITLE,
        "confirm_url": links.confirm_url(address),
        "days": settings.NOTIFICATIONS_CONFIRM_DAYS,
    }
    send_later(
        to=address.email,
        subject=f"Confirm your address for {settings.BLOG_TITLE}",
        text=render_to_string("notifications/email/confirm.txt", context),
        run_after=goes_at if goes_at > now else None,
    )


def confirmation_slot(now: datetime) -> datetime:
    """When the next confirmation mail may go: now, or the start of the first hour with room
    under the site-wide NOTIFICATIONS_CONFIRMATIONS_PER_HOUR (delayed, never dropped).

    Each mail's `Address.confirmation_mailed_at` is when it goes, and hours are filled in turn
    under one lock, so the mails counted from this hour on say which hour has room. Call inside
    the transaction that records the mail."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            ["notifications.confirmations"],
        )
    hour = now.replace(minute=0, second=0, microsecond=0)
    taken = Address.objects.filter(confirmation_mailed_at__gte=hour).count()
    full_hours = taken // max(1, settings.NOTIFICATIONS_CONFIRMATIONS_PER_HOUR)
    return now if full_hours == 0 else hour + timedelta(hours=full_hours)


@task()
def offer_publishing(comment_id: int) -> None:
    """Mail the address a pending comment was written with a link to publish it: pressing its
    button proves the address is the writer's. Nothing the writer typed is in it."""
    comment = Comment.objects.pending().select_related("post").filter(pk=comment_id).first()
    if comment is None or not is_trusted(comment.email):
        return  # decided meanwhile, or not a trusted address: nothing to offer
    now = timezone.now()
    with transaction.atomic():
        address, _ = Address.objects.get_or_create(email=normalise(comment.email))
        address = Address.objects.select_for_update().get(pk=address.pk)
        if address.publish_offered_at and now - address.publish_offered_at < ONE_DAY:
            return  # one such mail a day, like confirmations
        address.publish_offered_at = now
        address.save(update_fields=["publish_offered_at"])
    context = {
        "blog_title": settings.BLOG_TITLE,
        "post": comment.post,
        "publish_url": links.publish_url(comment),
        "days": links.PUBLISH_MAX_AGE.days,
    }
    send_later(
        to=comment.email,
        subject=f"Publish your comment on {settings.BLOG_TITLE}?",
        text=render_to_string("notifications/email/publish.txt", context),
    )


@task()
def mail_data_link(email: str) -> None:
    """Mail the "Your comments and data" link, if the site holds anything for the address."""
    if not (
        Comment.objects.filter(email__iexact=email).exists()
        or Address.objects.filter(email=normalise(email)).exists()
    ):
        return
    context = {"blog_title": settings.BLOG_TITLE, "data_url": links.data_url(email)}
    send_later(
        to=email,
        subject=f"Your comments and data on {settings.BLOG_TITLE}",
        text=render_to_string("notifications/email/your_data.txt", context),
    )


def confirm_by_proof(email: str) -> Address:
    """The owner of `email` proved it otherwise than by a confirm link (a publish link). Only
    the address is confirmed: subscriptions others may have asked for it still wait for a
    click on their mailed confirm link."""
    address, _ = Address.objects.get_or_create(email=normalise(email))
    Address.objects.filter(pk=address.pk, confirmed_at=None).update(confirmed_at=timezone.now())
    return address


def confirm(address: Address) -> None:
    """The address's owner pressed the button of a confirm link: start what it asked for."""
    now = timezone.now()
    with transaction.atomic():
        address = Address.objects.select_for_update().get(pk=address.pk)
        if address.confirmed_at is None:
            address.confirmed_at = now
            address.save(update_fields=["confirmed_at"])
        address.subscriptions.filter(active_since=None).update(active_since=now)
        NewPostSubscription.objects.filter(address=address, active_since=None).update(
            active_since=now
        )


@task()
def announce(comment_ids: list[int]) -> None:
    """Mail about comments just published together: to each writer who asked, that theirs is
    published; to everyone following their thread or their post, the new comments, one mail per
    subscription however many comments it gets, and never a writer's own comment."""
    # A reply whose thread is not shown (its first comment withdrawn) is not shown either.
    in_shown_thread = Q(parent=None) | Q(parent__status=Comment.Status.APPROVED)
    comments = list(
        Comment.objects.shown()
        .filter(in_shown_thread, pk__in=comment_ids)
        .select_related("post", "parent")
        .order_by("created_at", "pk")
    )
    for comment in comments:
        if comment.notify_writer:
            mail_published(comment)
    batches: dict[Subscription, list[Comment]] = {}
    told: set[tuple[int, int]] = set()  # (address, comment): one mail about a comment each
    for comment in comments:
        topics = Q(thread=None)
        if comment.parent_id:
            topics |= Q(thread_id=comment.parent_id)
        followers = (
            Subscription.objects.active()
            .filter(topics, post_id=comment.post_id)
            .exclude(address__email=normalise(comment.email))
            .select_related("address", "post")
            .order_by(F("thread_id").asc(nulls_last=True), "pk")  # a thread before the post
        )
        for subscription in followers:
            if (subscription.address_id, comment.pk) not in told:
                told.add((subscription.address_id, comment.pk))
                batches.setdefault(subscription, []).append(comment)
    for subscription, new_comments in batches.items():
        mail_new_comments(subscription, new_comments)


def mail_published(comment: Comment) -> None:
    subscription = (
        Subscription.objects.active()
        .filter(
            address__email=normalise(comment.email),
            post_id=comment.post_id,
            thread_id=comment.parent_id or comment.pk,
        )
        .select_related("address", "post")
        .first()
    )
    if subscription is None:
        return  # not confirmed (yet), or unsubscribed
    send_notification(
        subscription,
        subject=f"Your comment on “{comment.post.title}” is published",
        template="notifications/email/published",
        context={"comment": comment, "comment_url": links.absolute(comment.get_absolute_url())},
    )


def mail_new_comments(subscription: Subscription, comments: list[Comment]) -> None:
    title = subscription.post.title
    count = "A new" if len(comments) == 1 else f"{len(comments)} new"
    if subscription.thread_id:
        noun = ngettext("reply", "replies", len(comments))
        subject = f"{count} {noun} in a discussion on “{title}”"
    else:
        noun = ngettext("comment", "comments", len(comments))
        subject = f"{count} {noun} on “{title}”"
    items = [(c, links.absolute(c.get_absolute_url())) for c in comments]
    send_notification(
        subscription,
        subject=subject,
        template="notifications/email/new_comments",
        context={"items": items},
    )


def send_notification(subscription: Subscription, *, subject, template, context) -> None:
    """A notification: plain text and HTML, with one-click unsubscribe (RFC 8058) for this
    subscription and a link that stops all mail to the address."""
    unsubscribe_url = links.UNSUBSCRIBE.url(subscription.pk)
    context = {
        **context,
        "blog_title": settings.BLOG_TITLE,
        "post": subscription.post,
        "post_url": links.absolute(subscription.post.get_absolute_url()),
        "unsubscribe_url": unsubscribe_url,
        "stop_all_url": links.STOP_ALL.url(subscription.address_id),
        "thread": subscription.thread_id is not None,
    }
    send_later(
        to=subscription.address.email,
        subject=subject,
        text=render_to_string(f"{template}.txt", context),
        html=render_to_string(f"{template}.html", context),
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
