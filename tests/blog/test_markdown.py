"""The article renderer: articles keep their structure, nothing executable survives."""

from blog.markdown import render_article


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
