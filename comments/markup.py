"""How a comment's text becomes HTML: a strict subset of the article renderer's Markdown."""

from functools import cache

import nh3
from markdown_it import MarkdownIt

from blog.markdown import URL_SCHEMES

LINK_REL = "nofollow ugc noopener"
COMMENT_TAGS = {"a", "br", "code", "em", "li", "ol", "p", "pre", "strong", "ul"}


@cache
def _comment_parser() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": True})
        .enable("linkify")
        .disable(["heading", "lheading", "image", "hr", "html_block", "html_inline"])
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
        link_rel=LINK_REL,
    ).replace(f'<a rel="{LINK_REL}">', "<a>")  # a link whose URL was refused: rel needs href
