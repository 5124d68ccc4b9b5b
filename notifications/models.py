"""Addresses that asked for mail, and what each one follows."""

import uuid

from django.db import models
from django.utils import timezone

from blog.models import Post
from comments.models import Comment


def normalise(email: str) -> str:
    """One address, however it was typed: mailboxes are case-insensitive in practice."""
    return email.strip().lower()


class Address(models.Model):
    """An address that asked for mail. It receives nothing but its confirmation until confirmed."""

    email = models.EmailField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the confirmation link now in force was first mailed (its links are signed with it).
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    # When it was last mailed: at most once a day.
    confirmation_mailed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # When a "publish my comment" link was last mailed to it: at most once a day.
    publish_offered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "addresses"

    def __str__(self):
        return self.email


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(active_since=None)


class Subscription(models.Model):
    """Mail about one post's discussion: a thread's replies, or (no thread) all new comments.

    Active once its address is confirmed for it; until then nothing is sent, and events that
    happen meanwhile are not held back."""

    address = models.ForeignKey(Address, on_delete=models.CASCADE, related_name="subscriptions")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The thread's first comment; empty: every new comment on the post.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    active_since = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["address", "post", "thread"],
                name="one_subscription_per_topic",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        topic = f"thread {self.thread_id}" if self.thread_id else "all comments"
        return f"{self.address} on {self.post} ({topic})"


class MailRequest(models.Model):
    """One request for mail (a ticked box or the Follow form), counted for the rate limits.
    Keeps only a digest of the address."""

    address_digest = models.CharField(max_length=32)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["address_digest", "created_at"]),
            models.Index(fields=["ip_address", "created_at"]),
        ]

    def __str__(self):
        return f"request for mail at {self.created_at:%Y-%m-%d %H:%M}"


class DataLink(models.Model):
    """A mailed "Your comments and data" link: its id is all the link carries (signed), so the
    address never appears in a URL or a log. Good for an hour; deleting the data ends it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"data link of {self.created_at:%Y-%m-%d %H:%M}"


class NewPostSubscription(models.Model):
    """Mail of every new post (the newsletter): one per address, active once the address is
    confirmed for it, as a Subscription is."""

    address = models.OneToOneField(
        Address, on_delete=models.CASCADE, related_name="new_post_subscription"
    )
    created_at = models.DateTimeField(default=timezone.now)
    active_since = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    def __str__(self):
        return f"{self.address} (new posts)"


class NewPostMailing(models.Model):
    """A post mailed to the newsletter's subscribers: at most one per post, so that editing a
    published post never mails it again. Its deliveries are made at once when it starts."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    # Set when sending stopped because the post stopped being public; publishing it again
    # clears it and resumes (notifications.newsletter).
    paused_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"“{self.post}” to subscribers"


class NewPostDeliveryQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(sent_at=None, failed_at=None)


class NewPostDelivery(models.Model):
    """One subscriber's copy of a mailing (notifications.newsletter): marked as being sent, and
    committed, before SMTP; marked sent after. A copy still marked as being sent when a worker
    starts is the one a killed worker may have delivered: it is sent again with the same
    `message_id`. Unsubscribing deletes the copies not yet sent."""

    mailing = models.ForeignKey(NewPostMailing, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        NewPostSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    # Fixed at the first attempt, the same in every copy sent again: a mail client shows one.
    message_id = models.CharField(max_length=200, blank=True, default="", db_default="")
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    objects = NewPostDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "new post deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "subscription"], name="one_copy_per_subscriber"
            )
        ]
        indexes = [models.Index(fields=["mailing", "sent_at", "failed_at", "next_attempt_at"])]

    def __str__(self):
        return f"{self.mailing} for {self.subscription.address}"
