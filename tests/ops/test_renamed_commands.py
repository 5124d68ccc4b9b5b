"""Management commands renamed to one style (words joined by underscores) still run under their
old names for one release, saying on stderr that the old name goes (ops/management/renamed.py)."""

import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.utils import timezone

from comments.models import Comment
from tests.support.factories import CommentFactory
from tests.support.servers import PROJECT_DIR

RENAMED = {
    "backupdb": "backup_db",
    "restoredb": "restore_db",
    "purgecomments": "purge_comments",
    "loadposts": "load_posts",
    "seedbench": "seed_bench",
    "highlightcss": "highlight_css",
}


@pytest.mark.parametrize(("old", "new"), RENAMED.items())
def test_an_old_name_runs_the_renamed_command(old, new):
    commands = get_commands()
    old_command = load_command_class(commands[old], old)
    new_command = load_command_class(commands[new], new)
    assert isinstance(old_command, type(new_command))
    assert f"`{new}`" in old_command.help


def test_an_old_name_does_the_same_work_and_warns_on_stderr(db, capsys):
    comment = CommentFactory(status="spam")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=31))
    call_command("purgecomments", days=30)
    output = capsys.readouterr()
    assert not Comment.objects.exists()
    assert "Deleted 1 spam or rejected comment older than 30 days" in output.out
    assert output.err == (
        "`manage.py purgecomments` is renamed `manage.py purge_comments`; "
        "the old name stops working in the next release.\n"
    )


def test_the_new_name_does_not_warn(db, capsys):
    call_command("purge_comments", dry_run=True)
    assert capsys.readouterr().err == ""


def test_an_old_name_s_help_says_what_it_runs_and_when_it_goes():
    """From the command line, as a crontab would name it."""
    result = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "highlightcss", "--help"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    help_text = " ".join(result.stdout.split())
    assert "Old name of `highlight_css`, which it runs; it stops working in the next release." in (
        help_text
    )
