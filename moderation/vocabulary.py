"""The one vocabulary of moderation: the statuses every moderated kind uses, and why an item has
its status (a structured reason: the rule's code and its detail, kept as two fields)."""

from dataclasses import dataclass

from django.db import models


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    # A moderator's no.
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Spam"
    # The source disappeared (a webmention's 410, a deleted fediverse reply): no one decided.
    GONE = "gone", "Gone"


@dataclass(frozen=True)
class Reason:
    """Why an item has its status: `code` names the rule, ban or event ("ban", "too fast",
    "approved", "edited", "gone"); `detail` says what it saw. Empty when an item simply waits
    for a moderator."""

    code: str = ""
    detail: str = ""

    def __str__(self):
        """The text the previous release kept in `status_reason` ("<code>: <detail>")."""
        return f"{self.code}: {self.detail}" if self.detail else self.code

    def __bool__(self):
        return bool(self.code)

    def fields(self, prefix: str = "reason") -> dict:
        """The item's columns: the code, the detail and the old text column."""
        return {f"{prefix}_code": self.code, f"{prefix}_detail": self.detail}

    @classmethod
    def from_text(cls, text: str) -> "Reason":
        """Only for migrating the previous release's text column, never to read a reason."""
        code, _, detail = text.partition(": ")
        return cls(code.strip(), detail.strip())
