"""A moderator's day in the browser: the queue on a laptop screen, one click, undo, and decisions
from the inbox through the real worker and SMTP server."""

import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.core import signing
from django.urls import reverse
from playwright.sync_api import expect

from comments import decision_links
from comments.models import Comment
from tests.support.browser import log_in_to_admin
from tests.support.factories import CommentFactory, PostFactory
from tests.support.mail import subject_of, text_of
from tests.support.webmentions import pending_mention

CHANGELIST = reverse("admin:comments_comment_changelist")
# For a person to look at (git-ignored), as tests/browser/test_reading.py does.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def approve_link(message) -> str:
    """The Approve link of a moderator's mail about a pending comment."""
    [line] = [line for line in text_of(message).splitlines() if line.startswith("Approve: ")]
    return line.removeprefix("Approve: ").strip()


def test_the_queue_fits_a_1280_px_screen_and_shows_each_rows_status_and_reason(
    people, site_url, moderator
):
    long_title = "A very long post title about machine learning engineering careers " * 2
    post = PostFactory(title=long_title[:200])
    rows = [
        ("pending", ""),
        ("spam", "spam words: contains “casino”"),
        ("spam", "too many links: 7 links, more than 2"),
        ("approved", "approved: trusted writer"),
        ("rejected", ""),
    ]
    for status, reason in rows:
        CommentFactory(
            post=post,
            status=status,
            status_reason=reason,
            name="Maximilian Alexander Longname-Hyphenated",
            email="maximilian.alexander.longname-hyphenated@very-long-domain.example.com",
            body="Averyveryverylongwordwithoutanyspacesatallthatcouldstretchthetable " * 4,
        )
    [admin] = people(1)
    admin.set_viewport_size({"width": 1280, "height": 800})
    log_in_to_admin(admin, site_url, moderator)
    admin.goto(site_url + CHANGELIST)

    results = admin.locator("#changelist .results")
    overflow = results.evaluate("element => element.scrollWidth - element.clientWidth")
    assert overflow <= 0, f"the comment list is {overflow} px wider than its box"
    table_rows = admin.locator("#result_list tbody tr")
    expect(table_rows).to_have_count(len(rows))
    words = {"pending": "Pending", "spam": "Spam", "approved": "Approved", "rejected": "Rejected"}
    shown = [
        (row.locator(".field-status_badge").inner_text(), row.locator(".field-reason").inner_text())
        for row in table_rows.all()
    ]
    expected = [(words[status], reason or "—") for status, reason in rows]
    assert sorted(shown) == sorted(expected)
    assert shown[0] == ("Pending", "—")  # the queue comes first
    SCREENSHOTS.mkdir(exist_ok=True)
    admin.screenshot(path=SCREENSHOTS / "moderation-queue-1280.png", full_page=True)


def test_the_one_queue_of_every_kind_fits_a_1280_px_screen_and_a_button_decides(
    people, site_url, moderator
):
    post = PostFactory(title="A very long post title about machine learning careers " * 3)
    long_word = "Averyveryverylongwordwithoutanyspacesatallthatcouldstretchthetable " * 4
    CommentFactory(post=post, status="pending", name="Maximilian Longname", body=long_word)
    pending_mention(post, author_name="Alice Example", content=long_word)
    [admin] = people(1)
    admin.set_viewport_size({"width": 1280, "height": 800})
    log_in_to_admin(admin, site_url, moderator)
    admin.goto(site_url + reverse("moderation:queue"))

    table = admin.locator("#moderation-queue")
    expect(table.locator("tbody tr")).to_have_count(2)
    overflow = admin.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the queue is {overflow} px wider than the screen"
    SCREENSHOTS.mkdir(exist_ok=True)
    admin.screenshot(path=SCREENSHOTS / "moderation-one-queue-1280.png", full_page=True)
    admin.get_by_role("button", name="Approve the webmention by Alice Example").click()
    expect(admin.locator(".messagelist")).to_contain_text(
        "The webmention by Alice Example was approved."
    )
    expect(table.locator("tbody tr")).to_have_count(1)


def test_one_click_approves_and_undo_takes_it_back(people, site_url, moderator):
    post = PostFactory(title="On gradient descent")
    comment = CommentFactory(post=post, status="pending", body="Nicely put, thank you.")
    admin, reader = people(2)
    log_in_to_admin(admin, site_url, moderator)
    admin.goto(site_url + CHANGELIST)

    admin.get_by_role("button", name=f"Approve the comment by {comment.name}").click()
    expect(admin.locator(".messagelist")).to_contain_text(
        f"The comment by {comment.name} was approved."
    )
    reader.goto(site_url + post.get_absolute_url())
    expect(reader.locator(f"#comment-{comment.pk}")).to_contain_text("Nicely put")

    admin.get_by_role("link", name="Undo it from the moderation log").click()
    admin.get_by_role("button", name="Undo").click()
    expect(admin.locator(".messagelist")).to_contain_text("Undone: the comment is pending again.")
    comment.refresh_from_db()
    assert comment.status == "pending"
    reader.reload()
    expect(reader.get_by_role("heading", name="Comments (0)")).to_be_visible()
    expect(reader.locator(f"#comment-{comment.pk}")).to_have_count(0)


def test_the_approve_link_in_a_moderators_mail_asks_then_approves_once(
    people, commenting_site_url, mail, moderator, monkeypatch
):
    site = commenting_site_url
    post = PostFactory(title="On feature stores")
    reader_page, moderator_page = people(2)
    reader_page.goto(site + post.get_absolute_url())
    reader_page.get_by_label("Name").fill("Grace")
    reader_page.get_by_label("Email", exact=True).fill("grace@example.com")
    reader_page.get_by_label("Comment", exact=True).fill("Which store do you use?")
    reader_page.get_by_role("button", name="Post comment").click()
    expect(reader_page.get_by_role("status")).to_contain_text("awaiting moderation")
    comment = Comment.objects.get(email="grace@example.com")

    [message] = mail.wait_for(moderator.email)
    assert subject_of(message) == f"Comment awaiting moderation on “{post.title}”"
    approve_url = approve_link(message)

    # A mail scanner's GET changes nothing.
    moderator_page.goto(approve_url)
    expect(moderator_page.get_by_role("heading", name="Approve this comment?")).to_be_visible()
    expect(moderator_page.locator(".comment-body")).to_contain_text("Which store do you use?")
    comment.refresh_from_db()
    assert comment.status == "pending"

    moderator_page.get_by_role("button", name="Approve").click()
    expect(moderator_page.get_by_role("heading", name="Comment approved")).to_be_visible()
    reader_page.goto(site + post.get_absolute_url())
    expect(reader_page.locator(f"#comment-{comment.pk}")).to_contain_text("Which store")

    # The same link again: already decided, by whom and when.
    moderator_page.goto(approve_url)
    expect(moderator_page.get_by_role("heading", name="Already decided")).to_be_visible()
    expect(moderator_page.locator("main")).to_contain_text(f"by {moderator.username}")

    # A forged link and an expired one are refused with a clear page.
    path = urlsplit(approve_url).path
    moderator_page.goto(site + path[:-8] + "forged00/")
    expect(moderator_page.get_by_role("heading", name="Link not valid")).to_be_visible()
    eight_days_ago = time.time() - timedelta(days=8).total_seconds()
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_ago)
    expired = decision_links.decision_url(comment, moderator, "approve")
    monkeypatch.undo()
    moderator_page.goto(site + urlsplit(expired).path)
    expect(moderator_page.get_by_role("heading", name="Link not valid")).to_be_visible()
    expect(moderator_page.locator("main")).to_contain_text("may have expired")
