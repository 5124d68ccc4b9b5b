"""manage.py import_disqus: a Disqus export's comments, on the posts their threads were about."""

import pytest

from comments.models import Comment
from tests.support.factories import PostFactory
from tests.support.inert_html import active_content
from tests.support.transfer import HANDWRITTEN_DISQUS, report_of, run


@pytest.fixture
def posts(db):
    """The two posts the export's threads were about, already here."""
    return PostFactory(slug="first-steps"), PostFactory(slug="second-thoughts")


def test_threads_are_matched_by_link_and_by_identifier_and_the_unmatched_one_is_reported(posts):
    first, second = posts
    report = run("import_disqus", HANDWRITTEN_DISQUS)
    assert first.comments.count() == 3  # matched by link
    assert second.comments.count() == 2  # matched by identifier
    assert not Comment.objects.filter(name="Ken").exists()
    assert "Threads: 1 matched" not in report
    assert "Threads: 2 matched, 1 not matched" in report
    assert (
        "thread “A page that no longer exists” (link "
        "https://static.example.com/2018/gone-for-good/, identifier gone-for-good): 1 comment(s)"
    ) in report


def test_replies_keep_their_thread_and_a_reply_to_a_reply_joins_it(imported):
    grace = Comment.objects.get(body__startswith="First thread")
    assert grace.parent is None
    assert Comment.objects.get(name="Alan").parent == grace
    assert Comment.objects.get(body__startswith="A reply to the reply").parent == grace


@pytest.fixture
def imported(posts):
    return run("import_disqus", HANDWRITTEN_DISQUS)


def test_deleted_and_spam_comments_are_skipped_and_counted(imported):
    assert not Comment.objects.filter(name__in=["Gone", "Spammer"]).exists()
    assert "skipped (deleted on Disqus)" in imported
    assert "skipped (spam on Disqus)" in imported


def test_comments_are_approved_unless_disqus_held_them(imported, client, posts):
    assert Comment.objects.get(name="Barbara").status == Comment.Status.PENDING
    assert set(Comment.objects.exclude(name="Barbara").values_list("status", flat=True)) == {
        Comment.Status.APPROVED
    }
    page = client.get(posts[0].get_absolute_url()).content.decode()
    assert "First thread on the first steps." in page
    assert "A reply to Grace." in page


def test_script_in_a_disqus_comment_is_inert(imported):
    comment = Comment.objects.get(body__startswith="A reply to the reply")
    assert comment.body == "A reply to the reply, **bold**.\n"
    assert active_content(comment.body_html) == []


def test_second_run_creates_nothing_and_dry_run_prints_the_same_report(posts):
    dry = run("import_disqus", HANDWRITTEN_DISQUS, "--dry-run")
    assert Comment.objects.count() == 0
    real = run("import_disqus", HANDWRITTEN_DISQUS)
    assert report_of(dry) == report_of(real)
    assert Comment.objects.count() == 5
    again = run("import_disqus", HANDWRITTEN_DISQUS)
    assert Comment.objects.count() == 5
    assert "Comments: 5 already imported" in again
    assert "Nothing new was imported." in again
