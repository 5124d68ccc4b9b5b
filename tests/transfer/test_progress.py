"""Long imports say how far they are: a bar on a terminal, plain lines in a log, nothing with
--verbosity 0, and Ctrl-C rolls everything back (ops.progress, transfer.commands)."""

import os
import re

import pytest

from blog.models import Post
from comments.models import Comment
from tests.support.servers import database_url, manage
from tests.support.terminal import manage_on_terminal
from tests.support.transfer import wxr_with_posts

POSTS = 2000
# tqdm's bar: "Writing items:  42%|████▏     | 840/2000 [00:08<00:11, 98.50items/s]"
BAR_PERCENT = re.compile(r"Writing items:\s+(\d+)%\|")
PLAIN_LINE = re.compile(r"^Writing items: [\d,]+ of 2,000 items \(\d+%\) \[", re.MULTILINE)
REPORT_START = "WordPress import from https://big.example.com"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def big_export(tmp_path_factory):
    path = tmp_path_factory.mktemp("progress") / "export.xml"
    path.write_text(wxr_with_posts(POSTS), encoding="utf-8")
    return path


@pytest.fixture
def env():
    return {**os.environ, "DATABASE_URL": database_url()}


def test_an_import_on_a_terminal_shows_its_progress_advancing_before_the_report(big_export, env):
    run = manage_on_terminal("import_wordpress", "--dry-run", str(big_export), env=env)

    assert run.returncode == 0, run.output
    progress, report = run.output.split(REPORT_START, 1)
    shown = [int(percent) for percent in BAR_PERCENT.findall(progress)]
    assert len(set(shown)) >= 4, progress[-2000:]
    assert shown == sorted(shown) and shown[-1] == 100
    assert "\r" in progress  # redrawn in place, not a line per step
    assert f"Posts: {POSTS} created" in report
    assert "Dry run: nothing was written." in report


def test_an_import_in_a_pipe_writes_plain_progress_lines_and_the_report_unchanged(big_export, env):
    run = manage("import_wordpress", "--dry-run", str(big_export), env=env)

    assert not re.search(r"[\r\x1b]", run.stderr), repr(run.stderr)
    lines = PLAIN_LINE.findall(run.stderr)
    assert len(lines) >= 2, run.stderr
    assert "Writing items: 2,000 of 2,000 items (100%)" in run.stderr
    assert "Reading export.xml:" in run.stderr
    assert run.stdout.startswith(REPORT_START)
    assert "Writing" not in run.stdout


def test_verbosity_0_prints_only_the_report(tmp_path, env):
    export = tmp_path / "export.xml"
    export.write_text(wxr_with_posts(20), encoding="utf-8")

    run = manage("import_wordpress", "--dry-run", "--verbosity", "0", str(export), env=env)

    assert run.stderr == ""
    assert run.stdout.startswith(REPORT_START)
    assert "Posts: 20 created" in run.stdout


def test_verbosity_2_says_what_each_item_became(tmp_path, env):
    export = tmp_path / "export.xml"
    export.write_text(wxr_with_posts(3), encoding="utf-8")

    run = manage("import_wordpress", "--dry-run", "-v", "2", str(export), env=env)

    for n in (1, 2, 3):
        assert f"post {n} “Post number {n}”: created" in run.stderr


def test_ctrl_c_on_a_terminal_stops_the_import_and_writes_nothing(big_export, env):
    posts_before = Post.objects.count()

    def writing_has_begun(output: str) -> bool:
        return any(int(percent) >= 5 for percent in BAR_PERCENT.findall(output))

    run = manage_on_terminal(
        "import_wordpress", str(big_export), env=env, interrupt_when=writing_has_begun
    )

    assert run.returncode == 130, run.output
    assert "Interrupted: nothing was imported." in run.output
    assert "Traceback" not in run.output
    assert REPORT_START not in run.output
    assert Post.objects.count() == posts_before
    assert Comment.objects.count() == 0


def test_a_terminal_too_narrow_for_a_bar_gets_plain_lines(tmp_path, env):
    export = tmp_path / "export.xml"
    export.write_text(wxr_with_posts(20), encoding="utf-8")

    run = manage_on_terminal("import_wordpress", "--dry-run", str(export), env=env, columns=20)

    assert run.returncode == 0, run.output
    assert "Writing items: 20 of 20 items (100%)" in run.output
    assert not BAR_PERCENT.search(run.output)


def test_an_export_read_from_standard_input_shows_its_progress_without_a_total(env):
    run = manage("import_wordpress", "--dry-run", "/dev/stdin", env=env, input=wxr_with_posts(5))

    assert re.search(r"^Reading stdin: [\d.]+kB \[", run.stderr, re.MULTILINE), run.stderr
    assert "Posts: 5 created" in run.stdout
