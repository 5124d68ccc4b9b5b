"""The Content-Security-Policy holds in a real browser: inline script is refused, and the admin and
the markdownx editor's live preview work under it without a single violation."""

from pathlib import Path

import pytest
from django.urls import reverse

from blog.models import Post
from tests.support.browser import log_in_to_admin
from tests.support.factories import PostFactory

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

# Runs before any script of each page: keeps every violation the browser reports.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture(autouse=True)
def violations_recorded(page):
    """Every page of these tests keeps the policy violations the browser reports."""
    page.add_init_script(RECORD_VIOLATIONS)


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def test_editor_writes_previews_and_publishes_a_post_with_no_policy_violation(
    page, site_url, editor
):
    log_in_to_admin(page, site_url, editor)
    assert violations(page) == []

    page.goto(site_url + reverse("admin:blog_post_add"))
    page.get_by_label("Title").fill("Written under a strict policy")
    page.get_by_label("Title").press("Tab")  # the admin's prepopulate script runs on change
    assert page.get_by_label("Slug").input_value() == "written-under-a-strict-policy"
    page.get_by_label("Description").fill("A post written in the admin with the policy on.")
    page.locator("textarea.markdownx-editor").fill(
        "Some **bold** words and `code`.\n\n| Model | Score |\n|:--|--:|\n| A | 0.9 |"
    )
    preview = page.locator(".markdownx-preview")
    preview.locator("strong", has_text="bold").wait_for()
    preview.locator("td.align-right", has_text="0.9").wait_for()
    page.get_by_label("Status").select_option(Post.Status.PUBLISHED)
    page.get_by_role("link", name="Today").click()
    page.get_by_role("link", name="Now").click()
    assert page.locator("#id_published_at_0").input_value() != ""
    assert violations(page) == []

    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(site_url + reverse("admin:blog_post_changelist"))
    page.locator("#result_list").get_by_text("Written under a strict policy").wait_for()
    assert violations(page) == []

    page.goto(site_url + reverse("admin:comments_comment_changelist"))
    page.locator("#changelist").wait_for()
    assert violations(page) == []

    post = Post.objects.get(slug="written-under-a-strict-policy")
    page.goto(site_url + post.get_absolute_url())
    assert page.locator(".post-body strong").inner_text() == "bold"
    score = page.locator(".post-body td", has_text="0.9")
    assert score.evaluate("cell => getComputedStyle(cell).textAlign") == "right"
    assert violations(page) == []
    page.problems.assert_none()


def test_browser_refuses_inline_script_and_inline_style_added_to_a_page(page, site_url):
    post = PostFactory()
    page.goto(site_url + post.get_absolute_url())
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__inlineScriptRan = true";
          document.body.append(script);
          const style = document.createElement("style");
          style.textContent = "body { display: none }";
          document.head.append(style);
        }"""
    )
    assert page.evaluate("window.__inlineScriptRan") is None
    assert page.locator("body").is_visible()
    page.wait_for_function("window.__cspViolations.length >= 2")
    assert sorted(violation.split()[0] for violation in violations(page)) == [
        "script-src-elem",
        "style-src-elem",
    ]


def test_locked_out_editor_sees_the_lockout_page_without_a_policy_violation(page, site_url, editor):
    page.goto(site_url + reverse("admin:login"))
    for _ in range(5):
        page.get_by_label("Username").fill(editor.username)
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text() == "Too many failed log-in attempts."
    page.get_by_text("paused for 15 minutes").wait_for()
    assert violations(page) == []
    page.screenshot(path=SCREENSHOTS / "admin-login-locked-out.png")
