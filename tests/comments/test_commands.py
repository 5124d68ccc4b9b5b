from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment
from tests.support.factories import CommentFactory


def aged(days, **fields):
    comment = CommentFactory(**fields)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=days))
    return comment


def test_purge_deletes_old_spam_and_rejected_comments_only(db, capsys):
    aged(31, status="spam")
    aged(31, status="rejected")
    kept = [aged(29, status="spam"), aged(31, status="approved"), aged(31, status="pending")]
    call_command("purge_comments", days=30, ip_days=365)
    assert set(Comment.objects.all()) == set(kept), "old spam and rejected comments are gone"
    assert "Deleted 2 spam or rejected comments older than 30 days" in capsys.readouterr().out


def test_purge_erases_addresses_and_user_agents_after_the_given_days(db):
    old = aged(91, status="approved", user_agent="Mozilla/5.0")
    recent = aged(89, status="approved", user_agent="Mozilla/5.0")
    call_command("purge_comments", ip_days=90)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (recent.ip_address, recent.user_agent) == ("192.0.2.10", "Mozilla/5.0")


def test_a_dry_run_counts_and_changes_nothing(db, capsys):
    aged(100, status="spam")
    call_command("purge_comments", dry_run=True)
    assert Comment.objects.get().ip_address == "192.0.2.10"
    assert capsys.readouterr().out == (
        "Would delete 1 spam or rejected comment older than 30 days; would erase the address "
        "of 1 comment older than 90 days.\n"
    )
