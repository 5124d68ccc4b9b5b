from urllib.parse import urlsplit

from django.contrib.postgres.functions import RandomUUID
from django.db import models
from django.utils import timezone

from blog.models import Post
from moderation.models import ModerationDecision
from moderation.vocabulary import Status


class WebmentionQuerySet(models.QuerySet):
    def approved(self):
        """What the public sees: verified mentions a moderator approved."""
        return self.filter(status=Webmention.Status.APPROVED).exclude(verified_at=None)

    def pending(self):
        """The moderators' queue: verified, not yet decided."""
        return self.filter(status=Webmention.Status.PENDING).exclude(verified_at=None)


class Webmention(models.Model):
    """Another page (`source`) that mentions one of our posts, as its webmention said and the
    worker checked. One per source and post: a re-sent webmention updates it."""

    # moderation's one vocabulary: `rejected` is a moderator's no, `gone` a source that
    # disappeared (the previous release's `removed` meant both: webmentions migration 0004).
    Status = Status

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply"
        LIKE = "like", "Like"
        REPOST = "repost", "Repost"
        MENTION = "mention", "Mention"

    class Verification(models.TextChoices):
        QUEUED = "queued", "Waiting for verification"
        VERIFIED = "verified", "Verified"
        FAILED = "failed", "Verification failed"

    source = models.URLField(max_length=2000)
    target = models.URLField(max_length=2000, help_text="The address of our post it named.")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="webmentions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MENTION)
    author_name = models.CharField(max_length=100, blank=True)
    author_url = models.URLField(max_length=2000, blank=True)
    author_photo = models.URLField(max_length=2000, blank=True)
    content = models.TextField(
        blank=True, help_text="The source's text, as plain text (never its HTML)."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    status_reason = models.CharField(
        "reason",
        max_length=200,
        blank=True,
        help_text="Why it has its status: a ban or anti-spam rule, or why it was taken down.",
    )
    # Why, as moderation.Reason (status_reason is their text, written for one release more).
    reason_code = models.CharField(max_length=40, blank=True, default="", db_default="")
    reason_detail = models.CharField(max_length=200, blank=True, default="", db_default="")
    # How many decisions were made on it, and new texts it brought: a mailed decision link
    # names the count it was made for and dies once it moves.
    decision_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    verification = models.CharField(
        max_length=10, choices=Verification.choices, default=Verification.QUEUED
    )
    verification_note = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    verified_at = models.DateTimeField(null=True, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    status_token = models.UUIDField(
        db_default=RandomUUID(),
        unique=True,
        editable=False,
        help_text="Names its status page for the sender: random, so that no one can count "
        "through the mentions received.",
    )

    objects = WebmentionQuerySet.as_manager()

    class Meta:
        ordering = ["verified_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "post"], name="one_webmention_per_source")
        ]
        indexes = [models.Index(fields=["post", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.source_domain} on {self.post}"

    @property
    def decisions(self):
        """Its moderation log, newest first."""
        return ModerationDecision.objects.of(self)

    @property
    def source_domain(self) -> str:
        return (urlsplit(self.source).hostname or "").removeprefix("www.")


class Receipt(models.Model):
    """One webmention request as it arrived: what the per-address and per-domain limits count."""

    webmention = models.ForeignKey(Webmention, on_delete=models.CASCADE, related_name="receipts")
    received_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    source_domain = models.CharField(max_length=255)  # registrable: ops.limit_keys.limit_domain

    class Meta:
        indexes = [
            models.Index(fields=["ip_address", "received_at"]),
            models.Index(fields=["source_domain", "received_at"]),
        ]

    def __str__(self):
        return f"{self.source_domain} from {self.ip_address} at {self.received_at}"


class SentWebmention(models.Model):
    """A webmention we send for a link in one of our posts, and how it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Accepted by the endpoint"
        NO_ENDPOINT = "no-endpoint", "No endpoint"
        FAILED = "failed", "Failed, will retry"
        GAVE_UP = "gave-up", "Gave up"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="sent_webmentions")
    target = models.URLField(max_length=2000)
    endpoint = models.URLField(max_length=2000, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "target"], name="one_sent_webmention_per_link")
        ]

    def __str__(self):
        return f"{self.target} ({self.get_status_display()})"
