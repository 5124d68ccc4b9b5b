"""The site's one Markdown renderer: articles, the editor's live preview and comments.

markdown-it-py is used rather than Python-Markdown because it follows CommonMark to the letter
(the preview and the page can never disagree on an edge case), it can switch off raw HTML at the
parser instead of relying on a filter afterwards, and its rules can be disabled one by one, which
gives comments a strict subset from the same parser. Every output still passes through nh3, so
what reaches a page is sanitised even if a parser rule were to let something through.
"""

from functools import cache

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

ARTICLE_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "figcaption", "figure",
    "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "strong",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
COMMENT_TAGS = {"a", "br", "code", "em", "li", "ol", "p", "pre", "strong", "ul"}
URL_SCHEMES = {"http", "https", "mailto"}


@cache
def _article_parser() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": False})
        .enable(["table", "strikethrough"])
        # Stable ids (slugs of the heading text) so the table of contents and shared links hold.
        .use(anchors_plugin, min_level=2, max_level=4)
    )


@cache
def _comment_parser() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": True})
        .enable("linkify")
        .disable(["heading", "lheading", "image", "hr", "html_block", "html_inline"])
    )


def render_article(text: str) -> str:
    """Render a post's Markdown to sanitised HTML (also markdownx's preview function)."""
    html = _article_parser().render(text)
    return nh3.clean(
        html,
        tags=ARTICLE_TAGS,
        attributes={
            "a": {"href", "title"},
            "img": {"src", "alt", "title", "width", "height"},
            "h2": {"id"},
            "h3": {"id"},
            "h4": {"id"},
            "ol": {"start"},
            "code": {"class"},
            "td": {"style"},
            "th": {"style"},
        },  # fmt: skip
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
    )


def render_comment(text: str) -> str:
    """Render a comment: paragraphs, line breaks, emphasis, code, lists and links, no more.

    Every link is marked as user-generated and unendorsed, so it passes no ranking and cannot
    reach back into this page.
    """
    html = _comment_parser().render(text)
    return nh3.clean(
        html,
        tags=COMMENT_TAGS,
        attributes={"a": {"href", "title"}, "ol": {"start"}},
        url_schemes=URL_SCHEMES,
        link_rel="nofollow ugc noopener",
    )
