from dataclasses import astuple

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from blog.models import Post, is_author
from comments.markup import render_comment
from moderation.models import Ban, ModerationDecision, ModeratorPreference
from moderation.vocabulary import Reason, Status
from ops.addresses import identity

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
    Status = Status  # moderation's one vocabulary

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
    # Why, as moderation.Reason: the rule's code and its detail (status_reason is their text,
    # still written for one release and read by hosts of the previous one).
    reason_code = models.CharField(max_length=40, blank=True, default="", db_default="")
    reason_detail = models.CharField(max_length=200, blank=True, default="", db_default="")
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
        if self.reason_code or not self.status_reason:
            self.status_reason = str(Reason(self.reason_code, self.reason_detail))
        else:  # set as text by code of the previous release's shape
            self.reason_code, self.reason_detail = astuple(Reason.from_text(self.status_reason))
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
    def decisions(self):
        """Its moderation log, newest first."""
        return ModerationDecision.objects.of(self)

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


# Moved to moderation (their tables kept): importable from here for one release.
__all__ = ["Ban", "Comment", "CommentEdit", "ModerationDecision", "ModeratorPreference"]
