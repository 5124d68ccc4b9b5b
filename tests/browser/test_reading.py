"""Reading on a phone and on a desktop, in light and dark: the home, post and search pages fit the
screen, load without an error or a failed request, pass axe-core's accessibility rules, and are
photographed into screenshots/ for a person to look at."""

from pathlib import Path
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from blog.models import Series, Tag
from tests.support.factories import PostFactory

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
VIEWPORTS = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 900}}

# For each full line of the guide's first paragraph: how many characters it holds.
CHARACTERS_PER_LINE = """(paragraph) => {
  const text = paragraph.firstChild;
  const range = document.createRange();
  const lines = new Map();
  for (let i = 0; i < text.length; i++) {
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    const top = Math.round(range.getClientRects()[0]?.top ?? -1);
    lines.set(top, (lines.get(top) || 0) + 1);
  }
  return [...lines.values()].slice(0, -1);
}"""

# What reaches past the right edge of the screen, to name it when a page scrolls sideways.
STICKING_OUT = """() => [...document.querySelectorAll("body *")]
  .filter(element => element.getBoundingClientRect().right > window.innerWidth)
  .map(element => `${element.tagName}.${element.className}: ${element.textContent.slice(0, 40)}`)"""


@pytest.fixture
def screenshots():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


def reading_pages(guide):
    return {
        "home": reverse("blog:post-list"),
        "post": guide.get_absolute_url(),
        "search": reverse("blog:search") + "?" + urlencode({"q": "kaggle competitions"}),
        "no-results": reverse("blog:search") + "?" + urlencode({"q": "quantum basket weaving"}),
    }


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", VIEWPORTS)
def test_reading_pages_fit_the_screen_load_cleanly_and_pass_axe(
    page, site_url, guide, screenshots, width, scheme
):
    page.set_viewport_size(VIEWPORTS[width])
    page.emulate_media(color_scheme=scheme)
    axe = Axe()
    for name, path in reading_pages(guide).items():
        response = page.goto(site_url + path)
        assert response.status == 200
        page.wait_for_load_state("networkidle")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= VIEWPORTS[width]["width"], page.evaluate(STICKING_OUT)
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()
        page.screenshot(path=screenshots / f"{name}-{width}-{scheme}.png", full_page=True)
    page.problems.assert_none()


@pytest.mark.parametrize(("width", "scheme"), [("phone", "light"), ("desktop", "dark")])
def test_tag_and_series_pages_and_a_part_fit_the_screen_and_pass_axe(
    page, site_url, screenshots, width, scheme
):
    series = Series.objects.create(title="Learning rates", slug="learning-rates")
    tag = Tag.objects.create(name="Optimisation", slug="optimisation")
    parts = [
        PostFactory(title=f"Learning rates, part {n}", series=series, series_order=n)
        for n in (1, 2, 3)
    ]
    for part in parts:
        part.tags.add(tag, Tag.objects.get_or_create(name="Deep learning", slug="deep-learning")[0])
    page.set_viewport_size(VIEWPORTS[width])
    page.emulate_media(color_scheme=scheme)
    axe = Axe()
    pages = {
        "tag": tag.get_absolute_url(),
        "series": series.get_absolute_url(),
        "part": parts[1].get_absolute_url(),
    }
    for name, path in pages.items():
        assert page.goto(site_url + path).status == 200
        page.wait_for_load_state("networkidle")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= VIEWPORTS[width]["width"], page.evaluate(STICKING_OUT)
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()
        page.screenshot(path=screenshots / f"{name}-{width}-{scheme}.png", full_page=True)
    page.problems.assert_none()


def test_article_lines_hold_65_to_75_characters_on_a_desktop(page, site_url, guide):
    page.goto(site_url + guide.get_absolute_url())
    lines = page.locator(".post-body > p").first.evaluate(CHARACTERS_PER_LINE)
    assert len(lines) >= 3
    assert 65 <= sum(lines) / len(lines) <= 75, lines


def test_table_of_contents_takes_the_reader_to_the_section(page, site_url, guide):
    page.goto(site_url + guide.get_absolute_url())
    page.get_by_role("navigation", name="Contents").get_by_role(
        "link", name="How to Get Started"
    ).click()
    page.wait_for_url("**#how-to-get-started")
    expect(page.get_by_role("heading", name="How to Get Started", level=2)).to_be_in_viewport()
    page.problems.assert_none()


def test_reader_searches_from_the_header_and_sees_the_guide_first_with_marks(page, site_url, guide):
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(site_url + reverse("blog:post-list"))
    page.get_by_role("search", name="Site").get_by_label("Search posts").fill("kaggle competitions")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + reverse("blog:search") + "?q=kaggle+competitions")
    first = page.locator(".search-result").first
    assert first.get_by_role("link").inner_text() == guide.title
    assert {"Kaggle", "competitions"} <= set(first.locator("mark").all_inner_texts())
    page.problems.assert_none()


def test_skip_link_appears_on_the_first_tab_and_has_a_visible_focus_ring(page, site_url, guide):
    page.goto(site_url + guide.get_absolute_url())
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("element => element === document.activeElement")
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] > 0
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline == "solid"


def test_printed_post_keeps_the_article_and_drops_navigation_and_forms(
    page, site_url, guide, screenshots
):
    page.goto(site_url + guide.get_absolute_url())
    page.emulate_media(media="print")
    for hidden in [".site-header", ".site-footer", ".comments form"]:
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.get_by_role("heading", name=guide.title, level=1)).to_be_visible()
    expect(page.locator(".post-body")).to_be_visible()
    page.screenshot(path=screenshots / "post-print.png", full_page=True)


def test_wide_code_and_tables_scroll_inside_the_article_by_keyboard_too(page, site_url):
    columns = range(25)
    wide_table = "\n".join(
        [
            "| " + " | ".join(f"column {n}" for n in columns) + " |",
            "|" + "---|" * len(columns),
            "| " + " | ".join("value" for _ in columns) + " |",
        ]
    )
    long_line = "model.fit(" + ", ".join(f"argument_{n}=None" for n in range(20)) + ")"
    post = PostFactory(body=f"Wide things.\n\n```python\n{long_line}\n```\n\n{wide_table}\n")
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(site_url + post.get_absolute_url())
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.locator(".post-body table").focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.post-body table').scrollLeft > 0")
    page.problems.assert_none()
