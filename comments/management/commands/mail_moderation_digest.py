"""The daily digest for moderators who chose it (ModeratorPreference.daily_digest): one mail
listing every pending item of every kind, each with its Approve, Spam and Reject links. Run it
daily from cron (the task queue has no scheduler)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import ngettext

from moderation.mail import counted, mail_digests


class Command(BaseCommand):
    help = "Mail each moderator who chose a daily digest the list of everything pending."

    def handle(self, *args, **options):
        with transaction.atomic():
            count, pending = mail_digests()
        self.stdout.write(
            f"{count} {ngettext('digest', 'digests', count)} queued, {counted(pending)}."
        )
