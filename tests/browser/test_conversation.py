"""A commenter hears back: the whole conversation through the real worker and SMTP server."""

import re
from urllib.parse import urlsplit

from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment
from notifications.models import Address, Subscription
from tests.support.browser import log_in_to_admin
from tests.support.factories import PostFactory
from tests.support.mail import html_of, text_of
from tests.support.web import Reader

READER_A = "ada@example.com"


def link_in(message, path_start: str) -> str:
    [url] = re.findall(rf"https?://\S+{re.escape(path_start)}\S+/", text_of(message))
    return url


def comment_as(page, post_url, *, name, email, text, notify=False, reply_to=None):
    page.goto(post_url)
    if reply_to is not None:
        page.get_by_role("link", name=f"Reply to {reply_to}").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Comment", exact=True).fill(text)
    if notify:
        page.get_by_label("Email me when my comment is approved and when someone replies").check()
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_contain_text("awaiting moderation")
    return Comment.objects.filter(email=email).latest("pk")


def approve_in_admin(admin, site, comment):
    admin.goto(site + reverse("admin:comments_comment_changelist"))
    admin.locator("tr", has=admin.locator(f"input.action-select[value='{comment.pk}']")).locator(
        "input.action-select"
    ).check()
    admin.get_by_role("combobox", name="Action").select_option(label="Approve selected comments")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("1 comment was approved.")


def test_a_commenter_confirms_hears_of_approval_and_replies_and_unsubscribes_in_one_click(
    people, commenting_site_url, mail, moderator
):
    site = commenting_site_url
    post_url = site + PostFactory(title="On learning paths").get_absolute_url()
    reader_a, reader_b, reader_c, admin = people(4)
    log_in_to_admin(admin, site, moderator)

    # A comments and asks for mail: one confirmation, holding nothing A typed.
    first = comment_as(
        reader_a, post_url, name="Ada", email=READER_A, text="Which course first?", notify=True
    )
    [confirmation] = mail.wait_for(READER_A)
    assert "Confirm your address" in confirmation["Subject"]
    assert "Ada" not in text_of(confirmation) and "Which course" not in text_of(confirmation)
    confirm_url = link_in(confirmation, "/mail/confirm/")

    # Opening the link confirms nothing; the button does.
    reader_a.goto(confirm_url)
    expect(reader_a.get_by_role("heading", name="Confirm your address")).to_be_visible()
    assert Address.objects.get(email=READER_A).confirmed_at is None
    assert not Subscription.objects.active().exists()
    reader_a.get_by_role("button", name="Confirm my address").click()
    expect(reader_a.get_by_role("heading", name="Address confirmed")).to_be_visible()
    assert Address.objects.get(email=READER_A).confirmed_at is not None

    # The moderator approves A's comment: A hears so, once.
    approve_in_admin(admin, site, first)
    _, published = mail.wait_for(READER_A, 2)
    assert "is published" in published["Subject"]
    assert first.get_absolute_url() in text_of(published)

    # B replies: nothing to A while the reply waits for a moderator.
    reply = comment_as(
        reader_b, post_url, name="Bea", email="bea@example.com",
        text="Start with *linear algebra*.", reply_to="Ada",
    )  # fmt: skip
    assert reply.parent == first
    mail.drain()
    assert len(mail.to(READER_A)) == 2

    # Approved, the reply reaches A in one mail with B's text, in plain text and HTML.
    approve_in_admin(admin, site, reply)
    *_, news = mail.wait_for(READER_A, 3)
    assert "A new reply in a discussion" in news["Subject"]
    assert "Bea wrote in reply to Ada" in text_of(news)
    assert "Start with *linear algebra*." in text_of(news)
    assert "<em>linear algebra</em>" in html_of(news)
    assert news["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # A's mail client unsubscribes in one click: a POST with no cookie and no Referer.
    unsubscribe_url = news["List-Unsubscribe"].strip().strip("<>")
    answer = Reader(site).post(urlsplit(unsubscribe_url).path, {"List-Unsubscribe": "One-Click"})
    assert answer.status == 200
    assert "will not email" in answer.text

    # A further approved reply sends A nothing.
    another = comment_as(
        reader_c, post_url, name="Cy", email="cy@example.com", text="Me too.", reply_to="Ada"
    )
    approve_in_admin(admin, site, another)
    mail.drain()
    assert len(mail.to(READER_A)) == 3
    assert mail.to("bea@example.com") == []  # B never asked for mail
