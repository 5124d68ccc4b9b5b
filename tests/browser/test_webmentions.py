"""The post page with approved mentions from other sites (replies with the hostile corpus as
their content, likes, a repost) read in a real browser: no axe violation, nothing sticking out
on a phone, no failed request or console error."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.support.webmentions import post_with_mentions

VIEWPORTS = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 900}}


@pytest.mark.parametrize("width", VIEWPORTS)
def test_a_post_with_mentions_passes_axe(page, site_url, transactional_db, width):
    post = post_with_mentions()
    page.set_viewport_size(VIEWPORTS[width])
    page.goto(site_url + post.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert page.locator("a[rel='nofollow ugc']").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[width]["width"]
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.problems.assert_none()
