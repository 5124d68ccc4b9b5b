"""What an import remembers: where each imported post and comment came from, and old addresses."""

from django.db import models

from blog.models import Post
from comments.models import Comment


class Imported(models.Model):
    """One post or comment brought in from elsewhere, keyed by its source's own id.

    Ids are unique only within one site, so the key is (source, kind, source id): running an
    import again finds what it already brought in and creates nothing twice. Deleting the post or
    comment here deletes its row, so a later import would bring it back.
    """

    class Kind(models.TextChoices):
        POST = "post", "Post"
        COMMENT = "comment", "Comment"

    source = models.CharField(
        max_length=300, help_text="The site it came from: its URL, or disqus:<forum>."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_id = models.CharField(max_length=100, help_text="Its id on that site.")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, related_name="+")
    author_name = models.CharField(
        max_length=200, blank=True, help_text="The author there (no account is created here)."
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "imported items"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="transfer_imported_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.source_id} from {self.source}"


class OldPath(models.Model):
    """An address a post had on its old site; requested here, it redirects (301) to the post.

    The target is the post itself, not a stored URL, so a slug changed later still redirects.
    """

    path = models.CharField(
        max_length=500, unique=True, help_text="The old path (and query), percent-decoded."
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return f"{self.path} → {self.post.slug}"
