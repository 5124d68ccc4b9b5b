"""What only a browser shows on public pages: no errors, no failed requests, no sideways scroll."""

import pytest
from django.urls import reverse

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_home_and_post_pages_load_cleanly_without_sideways_scroll(page, site_url, guide, viewport):
    page.set_viewport_size(viewport)
    for path in [reverse("blog:post-list"), guide.get_absolute_url()]:
        response = page.goto(site_url + path)
        assert response.status == 200
        page.wait_for_load_state("networkidle")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= viewport["width"], f"{path} scrolls sideways"
    page.problems.assert_none()


def test_favicon_is_served_where_browsers_look_for_it(page, site_url, guide):
    page.goto(site_url + guide.get_absolute_url())
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(site_url + icon).status == 200
    assert page.request.get(site_url + "/favicon.ico").status == 200
