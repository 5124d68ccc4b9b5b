import ipaddress
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from blog.models import Post, is_author
from comments.markup import render_comment
from ops.addresses import NO_IDENTITY_MESSAGE, identity
from ops.one_way import digest, legacy_digest

# Comment ids are bigints: anything larger is no comment of ours.
MAX_COMMENT_ID = 2**63 - 1
# How much of a comment's text tells it from its writer's others (Comment.excerpt).
EXCERPT_CHARACTERS = 60


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """What the public sees: comments a moderator has approved."""
        return self.filter(status=Comment.Status.APPROVED)

    def shown(self):
        """Approved comments with their words: what readers read, count and get by mail (a
        deleted comment's placeholder holds its place in a thread, nothing more)."""
        return self.approved().filter(deleted_at=None)

    def pending(self):
        """The moderators' queue."""
        return self.filter(status=Comment.Status.PENDING)

    def awaiting(self):
        """What a writer sees of their own comments as "awaiting moderation": pending ones, and
        spam, whose writers are never told it was caught."""
        return self.filter(status__in=[Comment.Status.PENDING, Comment.Status.SPAM])

    def discarded(self):
        """Spam and rejected comments: never shown, deleted after a while (purge_comments)."""
        return self.filter(status__in=[Comment.Status.SPAM, Comment.Status.REJECTED])

    def reply_target(self, post, pk):
        """The approved comment of `post` that a reply to comment `pk` belongs under, or None.

        `pk` may come straight from a form or a URL: anything but a comment id is None. Replies
        are one level deep: a reply to a reply joins its thread."""
        try:
            pk = int(str(pk), 10)
        except ValueError:
            return None
        if not 0 < pk <= MAX_COMMENT_ID:
            return None
        comment = self.approved().filter(post=post, pk=pk).select_related("parent").first()
        return comment and (comment.parent or comment)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        help_text="The comment this one replies to (replies are one level deep).",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        help_text="The signed-in account that wrote it; staff replies show as the author's.",
    )
    name = models.CharField(max_length=80)
    email = models.EmailField(help_text="Never shown; only the moderators see it.")
    # The address's identity (ops.addresses), by which a writer's comments are found: filled in
    # by save(); null where the address has none (matching nothing). Not null from the next
    # release.
    identity = models.TextField(null=True, blank=True, editable=False, db_index=True)  # noqa: DJ001
    body = models.TextField(
        max_length=5000, help_text="Plain text. *Emphasis*, `code`, lists and links work too."
    )
    body_html = models.TextField(editable=False)
    notify_writer = models.BooleanField(
        "Email me when my comment is approved and when someone replies",
        default=False,
        db_default=False,  # hosts of the previous release insert comments without it
        help_text="The writer asked for mail (sent once they confirm their address).",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    status_reason = models.CharField(
        "reason",
        max_length=200,
        blank=True,
        help_text="Why the comment has its status: the anti-spam rule that filed it as spam; "
        "empty when it simply waited for a moderator.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(
        "IP address", null=True, blank=True, help_text="Erased after a while by purge_comments."
    )
    user_agent = models.CharField(max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    # How many decisions were made on it (undos included): a mailed decision link names the
    # count it was made for, so a link dies once anyone decides, even after an undo.
    decision_count = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    # The text a moderator last approved: an edit is judged small or not against it, so that
    # small edits cannot add up to a new comment.
    approved_body = models.TextField(blank=True, default="", db_default="", editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Deleted by its writer while replies stand under it: shown as "Comment deleted" in place,
    # its text and everything about its writer erased.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The post page: approved threads of one post, oldest first.
            models.Index(fields=["post", "status", "created_at"]),
            # The flood limit: comments from one address in the last minutes.
            models.Index(fields=["ip_address", "created_at"]),
        ]

    def __str__(self):
        return f"{self.name} on {self.post}"

    def save(self, *args, **kwargs):
        self.body_html = render_comment(self.body)
        self.identity = identity(self.email)
        if "update_fields" in kwargs and "email" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "identity"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def approved_html(self) -> str:
        """The text a moderator approved, rendered: what mail may carry (a small edit since is
        on the page but was never read by a moderator)."""
        return render_comment(self.approved_body)

    @property
    def excerpt(self) -> str:
        """The start of the text, on one line: what tells this comment from its writer's others
        in their own list and in the names of its Edit and Delete links."""
        return Truncator(" ".join(self.body.split())).chars(EXCERPT_CHARACTERS)

    @property
    def email_domain(self) -> str:
        return self.email.rpartition("@")[2].lower()

    @property
    def is_by_author(self) -> bool:
        """Whether the Author badge shows: written by one of the blog's authors."""
        return is_author(self.user)

    def thread_position(self) -> int:
        """How many approved threads of the post come before this comment's thread."""
        root = self.parent or self
        earlier = Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk)
        return (
            Comment.objects.approved()
            .filter(post_id=self.post_id, parent=None)
            .filter(earlier)
            .count()
        )


class ModerationDecision(models.Model):
    """One decision on one comment: who, when, from what status to what. Undone within
    UNDO_WINDOW, the comment gets its previous status back and the undo is recorded here."""

    UNDO_WINDOW = timedelta(days=1)

    class Channel(models.TextChoices):
        ADMIN = "admin", "Admin"
        MAIL = "mail", "Mail link"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="decisions")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=10, choices=Comment.Status.choices)
    to_status = models.CharField(max_length=10, choices=Comment.Status.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ADMIN)
    decided_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["comment", "-decided_at"])]

    def __str__(self):
        return f"comment {self.comment_id}: {self.from_status} → {self.to_status}"

    def can_be_undone(self, now=None) -> bool:
        now = now or timezone.now()
        return self.undone_at is None and now - self.decided_at <= self.UNDO_WINDOW


class BanQuerySet(models.QuerySet):
    def matching(self, email: str, ip_address: str | None) -> list["Ban"]:
        """The bans that cover a writer with this email and address."""
        address = identity(email)
        candidates = self.filter(
            Q(kind=Ban.Kind.EMAIL, value__in=Ban.email_values(email))
            | Q(kind=Ban.Kind.DOMAIN, value=address and address.rpartition("@")[2])
            | Q(kind=Ban.Kind.NETWORK)
        )
        return [ban for ban in candidates if ban.covers(email, ip_address)]


class Ban(models.Model):
    """A writer the site refuses: their new comments are stored as spam, the ban as reason."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email address"
        DOMAIN = "domain", "Email domain"
        NETWORK = "network", "IP range (CIDR)"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(
        max_length=254,
        help_text="ada@example.com, example.com, or 203.0.113.0/24 (one address: 203.0.113.7/32)",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why, for other moderators.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = BanQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="one_ban_per_value")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self):
        """An address or a domain is kept in its identity's form (ops.addresses), as compared."""
        value = self.value.strip()
        if self.kind == Ban.Kind.NETWORK:
            try:
                value = str(ipaddress.ip_network(value, strict=False))
            except ValueError:
                raise ValidationError(
                    {"value": "Write an IP range such as 203.0.113.0/24."}
                ) from None
        elif self.kind == Ban.Kind.DOMAIN:
            value = value.removeprefix("@")
            domain = identity(f"ban@{value}")
            if "@" in value or "." not in value or domain is None:
                raise ValidationError({"value": "Write a domain such as example.com."})
            value = domain.rpartition("@")[2]
        elif "@" not in value:
            raise ValidationError({"value": "Write an email address such as ada@example.com."})
        elif identity(value) is None:
            raise ValidationError({"value": NO_IDENTITY_MESSAGE})
        else:
            value = identity(value)
        self.value = value

    @property
    def reason(self) -> str:
        return f"ban: {self}"

    @staticmethod
    def digest_value(email: str) -> str:
        """What an email ban keeps once its address is erased (the writer asked to be
        forgotten): the ban still holds, and the address cannot be read back."""
        return f"digest:{digest(email)}"

    @staticmethod
    def email_values(email: str) -> list[str]:
        """The values of the email bans on this address: its identity, the digest of it, and
        for one release the previous release's digest (of the address lowercased as typed),
        which an erased address's ban may hold. Drop that one in the next release."""
        address = identity(email)
        legacy = f"digest:{legacy_digest(email)}"
        return [value for value in (address, Ban.digest_value(email), legacy) if value]

    def covers(self, email: str, ip_address: str | None) -> bool:
        if self.kind == Ban.Kind.EMAIL:
            return self.value in Ban.email_values(email)
        if self.kind == Ban.Kind.DOMAIN:
            address = identity(email)
            return address is not None and address.rpartition("@")[2] == self.value
        return bool(ip_address) and ipaddress.ip_address(ip_address) in ipaddress.ip_network(
            self.value
        )


class ModeratorPreference(models.Model):
    """How a moderator wants to hear of pending comments."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_preference"
    )
    daily_digest = models.BooleanField(
        default=False,
        help_text="One mail a day listing every pending comment, instead of one mail each.",
    )

    def __str__(self):
        return f"{self.user}: {'daily digest' if self.daily_digest else 'a mail per comment'}"


class CommentEdit(models.Model):
    """One edit by a comment's writer: the text before and after, for the moderators."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="edits")
    body_before = models.TextField()
    body_after = models.TextField()
    edited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-edited_at", "-pk"]

    def __str__(self):
        return f"edit of comment {self.comment_id} at {self.edited_at:%Y-%m-%d %H:%M}"
