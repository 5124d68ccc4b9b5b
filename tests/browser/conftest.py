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

from tests.support.browser import PageProblems

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
    prepared = {connection.alias: connection for connection in connections.all()}
    with sync_playwright() as playwright:
        # From here on Playwright's event loop runs in this thread, and Django would hand out
        # new connection objects: keep the ones the test database was prepared with, which hold
        # the snapshot that serialized rollbacks restore (else the flush after each
        # transactional test would recreate content types under new ids).
        for alias, connection in prepared.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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


@pytest.fixture
def people(browser, transactional_db):
    """`people(n)`: pages of n browsers of their own (separate cookies), closed after the test."""
    contexts = []

    def open_pages(count: int):
        contexts.extend(browser.new_context() for _ in range(count))
        return [context.new_page() for context in contexts[-count:]]

    yield open_pages
    for context in contexts:
        context.close()
