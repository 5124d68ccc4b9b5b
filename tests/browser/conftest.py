"""Browser tests: Playwright drives Debian's chromium against real gunicorn on the test database.

One browser is launched for the whole session; each test gets a fresh context (no shared
cookies). Tests use `transactional_db` so that what they create is committed and visible to
the gunicorn workers.
"""

import os
import shutil

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

from tests.servers import gunicorn

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: `make test` installs it (as root).")
    snapshots = {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all()
        if hasattr(connection, "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        # From here on Playwright's event loop runs in this thread, and Django hands out other
        # connection objects: give them the snapshot that serialized rollbacks restore, or the
        # flush after each transactional test would recreate content types under new ids.
        for alias, snapshot in snapshots.items():
            connections[alias]._test_serialized_contents = snapshot
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site_url(django_db_setup, django_db_blocker):
    """Base URL of gunicorn serving the test database for the whole session."""
    with django_db_blocker.unblock(), gunicorn(workers=2) as url:
        yield url


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


@pytest.fixture
def context(browser, transactional_db):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.problems = PageProblems(page)
    return page
