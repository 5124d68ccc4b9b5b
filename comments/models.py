from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from blog.markdown import render_comment
from blog.models import Post


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """What the public sees: comments a moderator has approved."""
        return self.filter(status=Comment.Status.APPROVED)

    def reply_target(self, post, pk: int):
        """The approved comment of `post` that a reply to comment `pk` belongs under, or None.

        Replies are one level deep: a reply to a reply joins its thread."""
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
    email = models.EmailField(help_text="Never shown on the site.")
    body = models.TextField(max_length=5000, help_text="Plain text with a little Markdown.")
    body_html = models.TextField(editable=False)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    held_by_rule = models.CharField(
        max_length=200,
        blank=True,
        help_text="The anti-spam rule that put the comment where it is; empty when it simply "
        "waited for a moderator.",
    )
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
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("comments:permalink", kwargs={"pk": self.pk})

    @property
    def is_by_staff(self) -> bool:
        return self.user is not None and self.user.is_staff

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
