"""The article renderer: articles keep their structure, nothing executable survives."""

import json
from pathlib import Path

import pytest

from blog.markdown import render_article
from tests.support.inert_html import active_content


def test_article_headings_get_stable_slug_ids():
    assert render_article("## How to Get Started") == (
        '<h2 id="how-to-get-started">How to Get Started</h2>\n'
    )


def test_article_numbered_lines_become_an_ordered_list():
    html = render_article("1. **Read books:** Read books.\n2. **Practise:** Practise.")
    assert html.startswith("<ol>\n<li><strong>Read books:</strong> Read books.</li>")


def test_article_raw_html_is_shown_as_text_not_run():
    html = render_article('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">')
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_article_javascript_and_data_links_are_never_links():
    html = render_article("[click](javascript:alert(1)) [data](data:text/html,<b>x</b>)")
    assert "<a" not in html
    assert "[click](javascript:alert(1))" in html


def test_article_table_alignment_is_a_class_because_the_csp_refuses_style_attributes():
    html = render_article("| Model | Score |\n|:--|--:|\n| A | 0.9 |")
    assert '<th class="align-left">Model</th>' in html
    assert '<td class="align-right">0.9</td>' in html
    assert "style=" not in html


def test_article_code_blocks_and_tables_can_take_keyboard_focus_to_scroll():
    html = render_article("```python\nx = 1\n```\n\n    indented\n\n| a |\n|---|\n| 1 |")
    assert '<pre tabindex="0"><code class="language-python highlight">' in html
    assert '<pre tabindex="0"><code>indented' in html
    assert '<table tabindex="0">' in html


# Code, maths, footnotes and images (issue 16).

HOSTILE_MATHS = json.loads((Path(__file__).parents[1] / "data" / "hostile_maths.json").read_text())
LEFT_OUT_OF_MATHML = ("annotation-xml", "maction", "mglyph", "malignmark")


def test_python_code_block_is_highlighted_with_classes_and_no_style():
    html = render_article("```python\ndef f(x):\n    return x  # same\n```")
    assert '<code class="language-python highlight">' in html
    assert '<span class="k">def</span>' in html
    assert '<span class="c1"># same</span>' in html
    assert "style=" not in html


def test_code_block_without_a_language_or_with_an_unknown_one_stays_plain():
    html = render_article("```\nplain = 1\n```\n\n```nosuchlanguage\nplain = 2\n```")
    assert "<span" not in html
    assert "plain = 1" in html and "plain = 2" in html


def test_highlighted_code_is_escaped():
    html = render_article('```html\n<script>alert("x")</script>\n```')
    assert "<script>" not in html
    assert "&lt;" in html
    assert active_content(html) == []


def test_inline_maths_becomes_mathml():
    html = render_article("Euler: $e^{i\\pi}+1=0$.")
    assert '<math display="inline">' in html
    assert "<msup><mi>e</mi>" in html


def test_display_maths_becomes_block_mathml():
    html = render_article("$$\n\\sum_{i=1}^n x_i\n$$")
    assert '<math display="block">' in html
    assert "<munderover>" in html or "<msubsup>" in html


def test_dollars_next_to_a_space_or_a_digit_are_not_maths():
    html = render_article("It costs $5 and $10, or $ 3 $ with spaces.")
    assert "<math" not in html
    assert "$5 and $10" in html


def test_maths_that_does_not_parse_is_shown_as_its_source():
    html = render_article("Broken: $\\frac{$.")
    assert "<math" not in html
    assert '<code class="math-source">$\\frac{$</code>' in html


def test_footnotes_link_both_ways():
    html = render_article("A claim[^1].\n\n[^1]: The source.")
    assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1"' in html
    assert '<li id="fn1" class="footnote-item">' in html
    assert 'href="#fnref1"' in html


def test_maths_code_and_footnotes_survive_the_sanitiser_together():
    html = render_article(
        "## Loss $L$\n\n$$\nL = \\frac{1}{n}\\sum_i (y_i - \\hat{y}_i)^2\n$$\n\n"
        "```python\nloss = ((y - y_hat) ** 2).mean()\n```\n\nSee[^n].\n\n[^n]: A note."
    )
    assert "<mfrac>" in html and '<span class="n">loss</span>' in html
    assert 'class="footnotes"' in html
    assert active_content(html) == []


@pytest.mark.parametrize("case", HOSTILE_MATHS, ids=[case["why"] for case in HOSTILE_MATHS])
def test_hostile_maths_is_inert(case):
    html = render_article(f"Before {case['input']} after.")
    assert active_content(html) == []
    for left_out in LEFT_OUT_OF_MATHML:
        assert f"<{left_out}" not in html
    assert "href=" not in html.replace('href="#', "")
    assert "mathcolor" not in html
    assert "<img" not in html and "<iframe" not in html


def test_images_after_the_first_load_lazily_and_every_one_decodes_asynchronously():
    html = render_article("![One](https://example.com/1.png)\n\n![Two](https://example.com/2.png)")
    first, second = html.split("<img")[1:]
    assert "loading=" not in first
    assert 'loading="lazy"' in second
    assert 'decoding="async"' in first and 'decoding="async"' in second
