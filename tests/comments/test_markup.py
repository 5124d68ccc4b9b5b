"""The comment renderer: a small Markdown subset, links marked as user-generated."""

from comments.markup import render_comment


def test_comment_links_are_marked_user_generated_and_nofollow():
    html = render_comment("see https://example.com/page and [docs](https://docs.example.com)")
    assert html.count('rel="nofollow ugc noopener"') == 2


def test_comment_keeps_paragraphs_line_breaks_code_and_lists():
    html = render_comment("first line\nsecond line\n\n- one\n- two\n\n`code`")
    assert "first line<br>\nsecond line" in html
    assert "<ul>" in html
    assert "<code>code</code>" in html


def test_comment_headings_and_images_are_not_rendered():
    html = render_comment("# Big\n\n![pic](https://example.com/x.png)")
    assert "<h1" not in html
    assert "<img" not in html
