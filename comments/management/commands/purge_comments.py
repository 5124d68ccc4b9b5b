from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import ngettext

from comments.models import Comment


class Command(BaseCommand):
    help = (
        "Delete spam and rejected comments older than --days, and erase the IP address and "
        "user agent of every comment older than --ip-days (privacy). Safe to run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=30, help="delete spam and rejected comments older than this"
        )
        parser.add_argument(
            "--ip-days", type=int, default=90, help="erase addresses stored longer than this"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would change, change nothing"
        )

    def handle(self, *, days, ip_days, dry_run, **options):
        now = timezone.now()
        discarded = Comment.objects.discarded().filter(created_at__lt=now - timedelta(days=days))
        with_address = Comment.objects.filter(created_at__lt=now - timedelta(days=ip_days)).exclude(
            ip_address=None, user_agent=""
        )
        if dry_run:
            deleted, erased = discarded.count(), with_address.count()
        else:
            # Replies to a discarded comment go with it (they were never shown without it).
            deleted = discarded.delete()[1].get(Comment._meta.label, 0)
            erased = with_address.update(ip_address=None, user_agent="")
        prefix = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{prefix} {deleted} spam or rejected {ngettext('comment', 'comments', deleted)} "
            f"older than {days} days; {'would erase' if dry_run else 'erased'} the address of "
            f"{erased} {ngettext('comment', 'comments', erased)} older than {ip_days} days."
        )
