"""Every hostile input is posted as a comment, approved in the admin, and read in a real browser:
nothing runs, nothing breaks, every outside link is marked as user-generated."""

import json
from pathlib import Path

from django.urls import reverse
from django.utils.html import escape

from comments.models import Comment
from tests.support.browser import log_in_to_admin
from tests.support.factories import PostFactory
from tests.support.web import Reader

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
BAD_INPUTS = json.loads((Path(__file__).parents[1] / "data" / "bad_inputs.json").read_text())

ACTIVE_ATTRIBUTES = """() => [...document.querySelectorAll("*")].flatMap((element) =>
  [...element.attributes]
    .filter((attribute) => attribute.name.startsWith("on"))
    .map((attribute) => `${element.tagName} ${attribute.name}`))"""

SCRIPT_URLS = """() => {
  const names = ["href", "src", "action", "formaction", "data", "srcdoc", "xlink:href", "poster"];
  return [...document.querySelectorAll("*")].flatMap((element) =>
    names
      .map((name) => element.getAttribute(name))
      .filter((value) => value !== null)
      .map((value) => value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase())
      .filter((value) => /^(javascript|vbscript|data:text\\/html)/.test(value))
      .map((value) => `${element.tagName} ${value}`));
}"""

OUTSIDE_LINKS = """() => [...document.querySelectorAll("a[href]")]
  .filter((link) => new URL(link.href).origin !== location.origin)
  .map((link) => ({ href: link.href.slice(0, 80), rel: link.relList.value }))"""


def watch(page):
    """Record dialogs (dismissing them) and server errors seen by `page`."""
    page.set_default_timeout(15_000)
    page.dialogs, page.server_errors = [], []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "response",
        lambda response: response.status >= 500 and page.server_errors.append(response.url),
    )
    return page


def assert_nothing_ran(page):
    assert page.dialogs == []
    assert page.server_errors == []
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("window.top.__pwned") is None
    assert page.evaluate(ACTIVE_ATTRIBUTES) == []
    assert page.evaluate(SCRIPT_URLS) == []


def outcome(case, field) -> tuple[str, str]:
    """("shown", ""), ("spam", rule) or ("refused", message): what bad_inputs.json expects."""
    kind, _, detail = case["outcome"][field].partition(": ")
    return kind, detail


def hostile_comments():
    """Every case that bad_inputs.json expects a comment to take: in the body under a plain name,
    and, where a name may hold it, in the name above a plain body."""
    for number, case in enumerate(BAD_INPUTS):
        yield case, "body", {"name": f"Tester {number}", "body": case["input"]}
        if outcome(case, "name")[0] == "shown":
            yield case, "name", {"name": case["input"], "body": f"Tester {number} wrote this."}


def test_every_hostile_comment_gets_its_outcome_and_is_shown_inertly(
    browser, commenting_site_url, transactional_db, moderator
):
    site = commenting_site_url
    post = PostFactory(body="A post that draws hostile comments.")
    reader = watch(browser.new_page())
    reader.goto(site + post.get_absolute_url())

    # The first case goes through the form as a person fills it in...
    first = BAD_INPUTS[0]
    assert outcome(first, "body") == outcome(first, "name") == ("shown", "")
    reader.get_by_role("textbox", name="Name").fill(first["input"])
    reader.get_by_role("textbox", name="Email", exact=True).fill("tester@example.com")
    reader.get_by_role("textbox", name="Comment").fill(first["input"])
    reader.get_by_role("button", name="Post comment").click()
    reader.get_by_text("your comment is awaiting moderation").wait_for()

    # ...and every case is sent with the form's own token, as the browser would send it, each
    # from a loopback address of its own so that the flood limit counts none against another.
    token = reader.locator("form.comment-form input[name=token]").input_value()
    action = reader.locator("form.comment-form").get_attribute("action").split("#")[0]
    expected = {"shown": [], "spam": []}
    for number, (case, field, fields) in enumerate(hostile_comments()):
        sender = Reader(site, address=f"127.0.{3 + number // 200}.{1 + number % 200}")
        data = {"email": f"tester{number}@example.com", "parent": "", "token": token, **fields}
        response = sender.post(action, data)
        kind, detail = outcome(case, field)
        label = f"{case['why']} (in the {field})"
        if kind == "refused":
            assert response.status == 400, label
            assert escape(detail) in response.text, label
            continue
        assert response.status == 303, label
        comment = Comment.objects.get(post=post, email=data["email"])
        if kind == "spam":
            assert comment.status == Comment.Status.SPAM, label
            assert comment.status_reason.startswith(f"{detail}: "), label
        else:
            assert comment.status == Comment.Status.PENDING, label
        expected[kind].append(comment.pk)
    assert expected["spam"], "the cases include spam"

    # A moderator approves the whole queue with the bulk action; the admin shows them inertly.
    waiting = Comment.objects.filter(post=post, status=Comment.Status.PENDING).count()
    assert waiting == 1 + len(expected["shown"])
    admin = watch(browser.new_page())
    log_in_to_admin(admin, site, moderator)
    admin.goto(site + reverse("admin:comments_comment_changelist") + "?status__exact=pending")
    admin.locator("#action-toggle").check()
    admin.get_by_role("button", name=f"Select all {waiting} comments").click()
    admin.locator("select[name=action]").select_option("approve")
    admin.get_by_role("button", name="Go").click()
    admin.locator(".messagelist").wait_for()
    assert Comment.objects.approved().filter(post=post).count() == waiting
    assert_nothing_ran(admin)

    # A reader who never commented opens the post: every approved case, and no spam.
    reader.context.clear_cookies()
    reader.goto(site + post.get_absolute_url())
    reader.wait_for_load_state("networkidle")
    shown = reader.locator(".comment-list .comment")
    assert shown.count() == waiting
    for pk in expected["shown"]:
        assert reader.locator(f"#comment-{pk}").count() == 1
    for pk in expected["spam"]:
        assert reader.locator(f"#comment-{pk}").count() == 0
    assert_nothing_ran(reader)
    outside_links = reader.evaluate(OUTSIDE_LINKS)
    assert outside_links, "the cases include outside links"
    for link in outside_links:
        assert {"nofollow", "ugc"} <= set(link["rel"].split()), link
    assert reader.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    reader.screenshot(path=SCREENSHOTS / "hostile-comments.png", full_page=True)
