from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from blog.models import Post, is_author
from comments.markup import render_comment

# Comment ids are bigints: anything larger is no comment of ours.
MAX_COMMENT_ID = 2**63 - 1


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """What the public sees: comments a moderator has approved."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        """The moderators' queue."""
        return self.filter(status=Comment.Status.PENDING)

    def awaiting(self):
        """What a writer sees of their own comments as "awaiting moderation": pending ones, and
        spam, whose writers are never told it was caught."""
        return self.filter(status__in=[Comment.Status.PENDING, Comment.Status.SPAM])

    def discarded(self):
        """Spam and rejected comments: never shown, deleted after a while (purgecomments)."""
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
    # The previous release's name for status_reason, still written so that hosts running that
    # release during a rolling deploy read the reason right. Drop it in the next release.
    held_by_rule = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(
        "IP address", null=True, blank=True, help_text="Erased after a while by purgecomments."
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
        self.held_by_rule = self.status_reason
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def reason(self) -> str:
        """status_reason, or what a host of the previous release wrote during a deploy."""
        return self.status_reason or self.held_by_rule

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
