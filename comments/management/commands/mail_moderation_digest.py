"""The daily digest for moderators who chose it (ModeratorPreference.daily_digest): one mail
listing every pending comment, each with its Approve, Spam and Reject links. Run it daily from
cron (the task queue has no scheduler)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import ngettext

from comments.models import Comment
from comments.permissions import moderators
from comments.services import mail_digest


class Command(BaseCommand):
    help = "Mail each moderator who chose a daily digest the list of pending comments."

    def handle(self, *args, **options):
        pending = list(Comment.objects.pending().select_related("post").order_by("created_at"))
        readers = moderators().filter(moderator_preference__daily_digest=True).exclude(email="")
        with transaction.atomic():
            count = sum(mail_digest(moderator, pending) for moderator in readers)
        self.stdout.write(
            f"{count} {ngettext('digest', 'digests', count)} queued, "
            f"{len(pending)} pending {ngettext('comment', 'comments', len(pending))}."
        )
