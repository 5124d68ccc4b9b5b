"""Helpers for the Playwright tests: what a person does in the browser, what a page saw."""

from django.urls import reverse

from tests.support.factories import PASSWORD


def log_in_to_admin(page, site_url, user):
    """Sign `user` in through the admin's log-in page, as a person types it."""
    page.goto(site_url + reverse("admin:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site_url + reverse("admin:index"))


class PageProblems:
    """Console errors and failed requests seen by a page, for tests that require none."""

    def __init__(self, page):
        self.console_errors = []
        self.failed_requests = []
        page.on(
            "console",
            lambda message: message.type == "error" and self.console_errors.append(message.text),
        )
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("requestfailed", lambda request: self.failed_requests.append(request.url))
        page.on(
            "response",
            lambda response: (
                response.status >= 400
                and self.failed_requests.append(f"{response.status} {response.url}")
            ),
        )

    def assert_none(self):
        assert self.console_errors == []
        assert self.failed_requests == []
