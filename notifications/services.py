"""Asking for mail: what a reader's request does in the web process, and nothing more; and
what the site holds about an address ("Your comments and data": `export` and `forget`).

The request is counted (per address and per visitor's address, in PostgreSQL like the comments'
flood limit) and handed to the worker, which does every look-up (tasks.subscribe): the answer
is the same whether the address is new, waiting for confirmation or confirmed, so nobody learns
which addresses are known here.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django_tasks_db.models import DBTaskResult

from comments.models import Ban, Comment
from comments.services import delete_comment
from notifications import links, tasks
from notifications.models import Address, DataLink, MailRequest, NewPostSubscription, Subscription
from ops import rate_limits
from ops.addresses import identity, same_identity
from ops.limit_keys import client_key, limit_address, same_client
from ops.models import OutgoingMail
from ops.one_way import digest


def requests_key(email: str) -> str:
    """What MailRequest.address_digest holds: a digest of the address as limits count it
    (`ops.limit_keys.limit_address`: `victim+1@` and `victim+2@` are one inbox)."""
    return digest(limit_address(email) or email)


def count_request(email: str, ip_address: str | None) -> None:
    """Count one request for mail to `email`; raise RateLimited past
    NOTIFICATIONS_REQUESTS_PER_ADDRESS or _PER_IP within the window (nothing counted then).
    Both count by `ops.limit_keys`: an address by its plus-base, a visitor by its /64.
    Call inside a transaction (`ops.rate_limits`: concurrent requests count in turn)."""
    address_digest = requests_key(email)
    window = settings.NOTIFICATIONS_REQUEST_WINDOW_SECONDS
    message = (
        "Too many requests for mail from this address or this connection in the last "
        f"{window // 60} minutes. Please try again later."
    )
    rate_limits.check(
        f"notifications.address:{address_digest}",
        MailRequest.objects.filter(address_digest=address_digest),
        limit=settings.NOTIFICATIONS_REQUESTS_PER_ADDRESS,
        window_seconds=window,
        message=message,
    )
    same = same_client("ip_address", ip_address)
    if same is not None:
        rate_limits.check(
            f"notifications.ip:{client_key(ip_address)}",
            MailRequest.objects.filter(same),
            limit=settings.NOTIFICATIONS_REQUESTS_PER_IP,
            window_seconds=window,
            message=message,
        )
    MailRequest.objects.create(address_digest=address_digest, ip_address=ip_address)


def request_mail(*, email: str, post, thread=None, ip_address: str | None, marks: list[int]):
    """Ask for mail about `post` (one thread of it, or all its new comments) at `email`.

    `marks` are the address ids this browser confirmed (confirmed_browser). Raises
    ops.rate_limits.RateLimited past the limits."""
    with transaction.atomic():
        count_request(email, ip_address)
        tasks.subscribe.enqueue(
            email=email,
            post_id=post.pk,
            thread_id=thread and thread.pk,
            marks=marks,
            identity=identity(email),
        )


def request_new_posts(*, email: str, ip_address: str | None, marks: list[int]) -> None:
    """Ask for mail of every new post at `email` (limited as any request for mail)."""
    with transaction.atomic():
        count_request(email, ip_address)
        tasks.subscribe_to_new_posts.enqueue(email=email, marks=marks, identity=identity(email))


def request_data_link(email: str, ip_address: str | None) -> None:
    """Mail `email` a link to its comments and data (limited as any request for mail)."""
    with transaction.atomic():
        count_request(email, ip_address)
        tasks.mail_data_link.enqueue(email=email, identity=identity(email))


NEW_POSTS = "each new post"


def describe(subscription) -> str:
    """A subscription in words, as its pages and the export name it."""
    if subscription.thread_id:
        return f"replies to a discussion on “{subscription.post.title}”"
    return f"new comments on “{subscription.post.title}”"


def comments_of(email: str):
    """The comments written with `email`, found by its identity (ops.addresses)."""
    return Comment.objects.filter(same_identity(email))


def export(email: str) -> dict:
    """What the site holds about `email`: its comments (with their edits) and its
    subscriptions, as the data page's download serves it (JSON)."""
    comments = comments_of(email).select_related("post").prefetch_related("edits").order_by("pk")
    return {
        "email": email,
        "comments": [
            {
                "id": comment.pk,
                "post": comment.post.title,
                "url": links.absolute(comment.post.get_absolute_url()),
                "in_reply_to": comment.parent_id,
                "name": comment.name,
                "email": comment.email,
                "text": comment.body,
                "status": comment.status,
                "written_at": comment.created_at.isoformat(),
                "edited_at": comment.edited_at and comment.edited_at.isoformat(),
                "ip_address": comment.ip_address,
                "user_agent": comment.user_agent,
                "edits": [
                    {"before": edit.body_before, "after": edit.body_after}
                    for edit in comment.edits.all()
                ],
            }
            for comment in comments
        ],
        "subscriptions": [
            *(
                NEW_POSTS
                for _ in NewPostSubscription.objects.filter(
                    same_identity(email, "address__identity")
                )
            ),
            *(
                describe(subscription)
                for subscription in Subscription.objects.filter(
                    same_identity(email, "address__identity")
                ).select_related("post")
            ),
        ],
    }


def forget(email: str) -> int:
    """Erase what the site holds about `email`, found by its identity (ops.addresses), exactly:
    each comment is deleted as its writer would (a placeholder where approved replies stand,
    its name, address, IP and user agent erased), its subscriptions and confirmation go, and a
    ban on it keeps only a one-way digest. Rate limit counts hold digests already. Returns how
    many comments it had."""
    address = identity(email)
    if address is None:
        return 0  # no identity: nothing was kept under it (its link could not be mailed)
    with transaction.atomic():
        comments = list(Comment.objects.filter(identity=address))
        for comment in comments:
            delete_comment(comment)
        Address.objects.filter(identity=address).delete()
        DataLink.objects.filter(identity=address).delete()
        bans = Ban.objects.filter(kind=Ban.Kind.EMAIL)
        if bans.filter(value=Ban.digest_value(email)).exists():
            bans.filter(value=address).delete()
        else:
            bans.filter(value=address).update(value=Ban.digest_value(email))
        # Mail to it or about it, and the queue's record of tasks about it.
        OutgoingMail.objects.filter(about_identity=address).delete()
        DBTaskResult.objects.filter(
            Q(args_kwargs__kwargs__identity=address) | Q(pk__in=previous_tasks_about(address))
        ).delete()
        MailRequest.objects.filter(address_digest=requests_key(email)).update(ip_address=None)
    return len(comments)


def previous_tasks_about(address: str) -> list:
    """Tasks about an address queued by the previous release, which passed no identity: their
    address (`email`, or the first argument) compared by identity. Drop it next release."""
    queued = DBTaskResult.objects.filter(
        task_path__in=[
            f"{tasks.__name__}.{name}"
            for name in ("subscribe", "subscribe_to_new_posts", "mail_data_link")
        ]
    ).exclude(args_kwargs__kwargs__has_key="identity")
    found = []
    for pk, call in queued.values_list("pk", "args_kwargs"):
        email = call.get("kwargs", {}).get("email") or next(iter(call.get("args", [])), "")
        if isinstance(email, str) and identity(email) == address:
            found.append(pk)
    return found
