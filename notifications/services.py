"""Asking for mail: what a reader's request does in the web process, and nothing more.

The request is counted (per address and per visitor's address, in PostgreSQL like the comments'
flood limit) and handed to the worker, which does every look-up (tasks.subscribe): the answer
is the same whether the address is new, waiting for confirmation or confirmed, so nobody learns
which addresses are known here.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.models import Ban, Comment
from comments.services import delete_comment
from notifications import tasks
from notifications.models import Address, DataLink, MailRequest, normalise
from ops.limit_keys import client_key, limit_address, same_client
from ops.models import OutgoingMail
from ops.one_way import digest


class TooManyRequests(Exception):
    """Past the limit for this address or this visitor's address: nothing was done."""


def _lock(key: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


def requests_key(email: str) -> str:
    """What MailRequest.address_digest holds: a digest of the address as limits count it
    (`ops.limit_keys.limit_address`: `victim+1@` and `victim+2@` are one inbox)."""
    return digest(limit_address(email) or email)


def count_request(email: str, ip_address: str | None) -> None:
    """Count one request for mail to `email`; raise TooManyRequests past
    NOTIFICATIONS_REQUESTS_PER_ADDRESS or _PER_IP within the window (nothing counted then).
    Both count by `ops.limit_keys`: an address by its plus-base, a visitor by its /64.
    Call inside a transaction: the advisory locks make concurrent requests count in turn."""
    address_digest = requests_key(email)
    since = timezone.now() - timedelta(seconds=settings.NOTIFICATIONS_REQUEST_WINDOW_SECONDS)
    recent = MailRequest.objects.filter(created_at__gte=since)
    _lock(f"notifications.address:{address_digest}")
    if recent.filter(address_digest=address_digest).count() >= (
        settings.NOTIFICATIONS_REQUESTS_PER_ADDRESS
    ):
        raise TooManyRequests
    same = same_client("ip_address", ip_address)
    if same is not None:
        _lock(f"notifications.ip:{client_key(ip_address)}")
        if recent.filter(same).count() >= settings.NOTIFICATIONS_REQUESTS_PER_IP:
            raise TooManyRequests
    MailRequest.objects.create(address_digest=address_digest, ip_address=ip_address)


def request_mail(*, email: str, post, thread=None, ip_address: str | None, marks: list[int]):
    """Ask for mail about `post` (one thread of it, or all its new comments) at `email`.

    `marks` are the address ids this browser confirmed (confirmed_browser). Raises
    TooManyRequests past the limits."""
    with transaction.atomic():
        count_request(email, ip_address)
        tasks.subscribe.enqueue(
            email=email, post_id=post.pk, thread_id=thread and thread.pk, marks=marks
        )


def request_new_posts(*, email: str, ip_address: str | None, marks: list[int]) -> None:
    """Ask for mail of every new post at `email` (limited as any request for mail)."""
    with transaction.atomic():
        count_request(email, ip_address)
        tasks.subscribe_to_new_posts.enqueue(email=email, marks=marks)


def request_data_link(email: str, ip_address: str | None) -> None:
    """Mail `email` a link to its comments and data (limited as any request for mail)."""
    with transaction.atomic():
        count_request(email, ip_address)
        tasks.mail_data_link.enqueue(email)


def forget(email: str) -> int:
    """Erase what the site holds about `email`: each comment is deleted as its writer would
    (a placeholder where approved replies stand, its name, address, IP and user agent erased),
    its subscriptions and confirmation go, and a ban on it keeps only a one-way digest. Rate
    limit counts hold digests already. Returns how many comments it had."""
    with transaction.atomic():
        comments = list(Comment.objects.filter(email__iexact=email))
        for comment in comments:
            delete_comment(comment)
        Address.objects.filter(email=normalise(email)).delete()
        DataLink.objects.filter(email__iexact=email).delete()
        Ban.objects.filter(kind=Ban.Kind.EMAIL, value=normalise(email)).update(
            value=Ban.digest_value(email)
        )
        # Mail to it or about it, and the queue's record of tasks that named it.
        OutgoingMail.objects.filter(Q(to__iexact=email) | Q(body_text__icontains=email)).delete()
        DBTaskResult.objects.filter(args_kwargs__icontains=email).delete()
        MailRequest.objects.filter(address_digest=requests_key(email)).update(ip_address=None)
    return len(comments)
