"""Every hostile input is posted as a comment, approved in the admin, and read in a real browser:
nothing runs, nothing breaks, every outside link is marked as user-generated."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.browser.test_admin_editor import log_in_to_admin
from tests.factories import PostFactory, StaffFactory
from tests.servers import gunicorn

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
BAD_INPUTS = json.loads((Path(__file__).parents[1] / "data" / "bad_inputs.json").read_text())

# Lifts the limits meant for one person (the flood limit, the too-fast rule, comments a page),
# so that one browser can send every case at once and read them all on one page.
MANY_COMMENTS_AT_ONCE = {
    "COMMENTS_FLOOD_LIMIT": "1000",
    "COMMENTS_MIN_SUBMIT_SECONDS": "0",
    "COMMENTS_PER_PAGE": "1000",
}

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


@pytest.fixture
def site(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), gunicorn(workers=2, extra_env=MANY_COMMENTS_AT_ONCE) as url:
        yield url


def a_name_for(case_number, text) -> str:
    """The hostile text itself when a name could hold it, else a plain one."""
    if text.strip() and "\n" not in text and "\r" not in text and len(text) <= 80:
        return text
    return f"Tester {case_number}"


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


def test_every_hostile_comment_is_shown_inertly_to_readers(browser, site, transactional_db):
    post = PostFactory(body="A post that draws hostile comments.")
    reader = watch(browser.new_page())
    reader.goto(site + post.get_absolute_url())

    # The first case goes through the form as a person fills it in...
    first = BAD_INPUTS[0]["input"]
    reader.get_by_role("textbox", name="Name").fill(a_name_for(0, first))
    reader.get_by_role("textbox", name="Email").fill("tester0@example.com")
    reader.get_by_role("textbox", name="Comment").fill(first)
    reader.get_by_role("button", name="Post comment").click()
    reader.get_by_text("your comment is awaiting moderation").wait_for()

    # ...and every case is sent with the form's own token, as the browser would send it.
    token = reader.locator("form.comment-form input[name=token]").input_value()
    action = reader.locator("form.comment-form").get_attribute("action").split("#")[0]
    statuses = {}
    for number, case in enumerate(BAD_INPUTS):
        fields = {
            "name": a_name_for(number, case["input"]),
            "email": f"tester{number}@example.com",
            "body": case["input"],
            "website": "",
            "parent": "",
            "token": token,
        }
        response = reader.request.post(site + action, form=fields, max_redirects=0)
        statuses[case["why"]] = response.status
    assert {why: status for why, status in statuses.items() if status not in (303, 400)} == {}
    stored = Comment.objects.filter(post=post).count()
    assert stored == 1 + list(statuses.values()).count(303)

    # A moderator approves them all with the bulk action; the admin shows them inertly too.
    moderator = watch(browser.new_page())
    log_in_to_admin(moderator, site, StaffFactory(username="moderator"))
    moderator.goto(site + reverse("admin:comments_comment_changelist"))
    moderator.locator("#action-toggle").check()
    moderator.get_by_role("button", name=f"Select all {stored} comments").click()
    moderator.locator("select[name=action]").select_option("approve")
    moderator.get_by_role("button", name="Go").click()
    moderator.locator(".messagelist").wait_for()
    assert Comment.objects.approved().filter(post=post).count() == stored
    assert_nothing_ran(moderator)

    # A reader who never commented opens the post.
    reader.context.clear_cookies()
    reader.goto(site + post.get_absolute_url())
    reader.wait_for_load_state("networkidle")
    assert reader.locator(".comment-list .comment").count() == stored
    assert_nothing_ran(reader)
    outside_links = reader.evaluate(OUTSIDE_LINKS)
    assert outside_links, "the cases include outside links"
    for link in outside_links:
        assert {"nofollow", "ugc"} <= set(link["rel"].split()), link
    assert reader.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    reader.screenshot(path=SCREENSHOTS / "hostile-comments.png", full_page=True)
