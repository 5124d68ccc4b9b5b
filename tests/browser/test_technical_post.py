"""A technical post (code, maths, footnotes, a table, images) read in a real browser, light and
dark, on a phone and a desktop: highlighted, drawn as MathML, no sideways scrolling, no failed
request or console error, and no axe violation."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from PIL import Image

from blog import images
from tests.support.factories import PostFactory

VIEWPORTS = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 900}}

BODY = """An opening paragraph with `inline code` and a note[^why].

## Code

```python
def loss(y, y_hat):
    \"\"\"Mean squared error, averaged over a batch of a rather long name.\"\"\"
    return ((y - y_hat) ** 2).mean()  # a comment that makes this line wider than a phone
```

## Maths

Euler's identity $e^{i\\pi}+1=0$, and prices of $5 and $10.

$$
\\hat{\\beta} = (X^\\top X)^{-1} X^\\top y + \\sum_{i=1}^{n} \\frac{x_i^2}{\\sigma^2}
+ \\lambda \\lVert w \\rVert_2^2 + \\int_0^1 f(t)\\,dt + \\lim_{n \\to \\infty} a_n
$$

| Model | Score |
|:--|--:|
| A | 0.9 |

![A teal chart]({image})

![A second teal chart]({image})

[^why]: Because footnotes are useful.
"""


@pytest.fixture
def technical_post(transactional_db):
    uploads = settings.MEDIA_ROOT / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    image = uploads / "browser-test-chart.jpg"
    Image.new("RGB", (1600, 900), "teal").save(image)
    copies = images.make_copies.call(f"uploads/{image.name}")
    url = f"/{settings.MEDIA_URL.strip('/')}/uploads/{image.name}"
    yield PostFactory(title="A technical post", body=BODY.replace("{image}", url))
    image.unlink(missing_ok=True)
    for copy in copies:
        (settings.MEDIA_ROOT / copy).unlink(missing_ok=True)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", VIEWPORTS)
def test_a_technical_post_reads_well_and_passes_axe(page, site_url, technical_post, width, scheme):
    page.set_viewport_size(VIEWPORTS[width])
    page.emulate_media(color_scheme=scheme)
    page.goto(site_url + technical_post.get_absolute_url())
    page.wait_for_load_state("networkidle")

    assert page.locator(".post-body span.k", has_text="def").count() == 1
    keyword = page.locator(".post-body span.k").first.evaluate("e => getComputedStyle(e).color")
    assert keyword != page.locator(".post-body p").first.evaluate("e => getComputedStyle(e).color")
    assert page.locator(".post-body math").count() == 2
    assert page.locator(".post-body math[display=block]").bounding_box()["height"] > 20
    pictures = page.locator(".post-body img")
    assert "480w" in pictures.first.get_attribute("srcset")
    assert pictures.first.evaluate("e => e.complete && e.naturalWidth") > 0
    assert pictures.nth(1).get_attribute("loading") == "lazy"
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[width]["width"]

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.screenshot(
        path=settings.BASE_DIR / "screenshots" / f"technical-post-{width}-{scheme}.png",
        full_page=True,
    )


def test_code_blocks_have_a_copy_button_that_copies_and_none_without_javascript(
    browser, page, site_url, technical_post
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(site_url + technical_post.get_absolute_url())
    button = page.get_by_role("button", name="Copy the code")
    button.click()
    assert "def loss(y, y_hat):" in page.evaluate("navigator.clipboard.readText()")
    page.problems.assert_none()

    without_script = browser.new_context(java_script_enabled=False)
    try:
        reader = without_script.new_page()
        reader.goto(site_url + technical_post.get_absolute_url())
        assert reader.locator(".post-body pre .k").count() >= 1
        assert reader.get_by_role("button", name="Copy the code").count() == 0
    finally:
        without_script.close()
