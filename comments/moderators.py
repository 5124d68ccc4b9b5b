"""How moderation sees a comment (registered in comments.apps)."""

from django.db.models import F

from comments.signals import comments_published
from moderation import Moderator, Status


class CommentModerator(Moderator):
    noun = "comment"
    identity_field = "identity"
    client_address_field = "ip_address"
    mail_template = "comments/email/moderators_pending.txt"

    def excerpt(self, comment) -> str:
        return comment.body

    def author(self, comment) -> str:
        return comment.name

    def ban_terms(self, comment) -> dict:
        return {**super().ban_terms(comment), "email": comment.email}

    def mail_about(self, comment) -> str:
        return comment.email

    def decision_updates(self, status, moderator, now) -> dict:
        updates = super().decision_updates(status, moderator, now)
        if status == Status.APPROVED:
            updates["approved_body"] = F("body")  # what mail may carry and edits compare with
        return updates

    def undo_status(self, comment, from_status: str) -> str:
        if from_status == Status.APPROVED and comment.body != comment.approved_body:
            return Status.PENDING  # edited since: its new text waits for a moderator
        return from_status

    def published(self, pks: list) -> None:
        comments_published.send(sender=self.model, comment_ids=pks)
