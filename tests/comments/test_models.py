from comments.models import Comment
from tests.support.factories import CommentFactory


def test_body_is_rendered_to_html_when_saved(db):
    comment = CommentFactory(body="First line\nsecond line\n\nA *new* paragraph with `code`.")
    assert comment.body_html == (
        "<p>First line<br>\nsecond line</p>\n"
        "<p>A <em>new</em> paragraph with <code>code</code>.</p>\n"
    )
    comment.body = "Changed"
    comment.save()
    comment.refresh_from_db()
    assert comment.body_html == "<p>Changed</p>\n"


def test_comment_markdown_keeps_lists_code_blocks_and_links(db):
    comment = CommentFactory(
        body="- one\n- two\n\n```\nx = 1\n```\n\n[docs](https://example.com/docs)"
    )
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in comment.body_html
    assert "<pre><code>x = 1\n</code></pre>" in comment.body_html
    assert '<a href="https://example.com/docs" rel="nofollow ugc noopener">docs</a>' in (
        comment.body_html
    )


def test_every_link_is_marked_nofollow_ugc_noopener_even_bare_urls(db):
    comment = CommentFactory(body="See https://example.com/bare and <https://example.com/auto>")
    assert comment.body_html.count('rel="nofollow ugc noopener"') == 2


def test_raw_html_images_headings_and_scripts_do_not_survive(db):
    comment = CommentFactory(
        body="<script>alert(1)</script>\n\n![x](https://example.com/x.png)\n\n# Big\n\n"
        '<b onclick="x()">bold</b>'
    )
    assert "<script" not in comment.body_html
    assert "<img" not in comment.body_html
    assert "<h1" not in comment.body_html
    assert "<b" not in comment.body_html
    assert "&lt;script&gt;" in comment.body_html


def test_approved_is_the_only_public_status(db):
    for status in Comment.Status.values:
        CommentFactory(status=status, name=status)
    assert list(Comment.objects.approved().values_list("name", flat=True)) == ["approved"]
