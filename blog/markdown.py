"""The site's Markdown renderer for articles and the editor's live preview.

markdown-it-py is used rather than Python-Markdown because it follows CommonMark to the letter
(the preview and the page can never disagree on an edge case), it can switch off raw HTML at the
parser instead of relying on a filter afterwards, and its rules can be disabled one by one, which
gives comments (comments/markup.py) a strict subset from the same parser. Every output still
passes through nh3, so what reaches a page is sanitised even if a parser rule let something by.
"""

from functools import cache
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

ARTICLE_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "figcaption", "figure",
    "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "strong",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}
ALIGNMENT_CLASSES = {"align-left", "align-center", "align-right"}


def _table_alignment_as_class(state):
    """Mark aligned table cells with a class, since the site's CSP refuses style attributes."""
    for token in state.tokens:
        style = token.attrGet("style") if token.type in ("th_open", "td_open") else None
        if style and style.startswith("text-align:"):
            del token.attrs["style"]
            token.attrSet("class", "align-" + style.removeprefix("text-align:"))


def _scrollable_blocks_focusable(state):
    """Let keyboard users scroll wide code and tables: the scrolling box must take focus.

    Fenced code puts the attribute on its <code> and indented code on its <pre>; either way the
    scrolling <pre> holds something focusable, which is what keyboards (and axe) need.
    """
    for token in state.tokens:
        if token.type in ("fence", "code_block", "table_open"):
            token.attrSet("tabindex", "0")


@cache
def _article_parser() -> MarkdownIt:
    parser = (
        MarkdownIt("commonmark", {"html": False})
        .enable(["table", "strikethrough"])
        # Stable ids (slugs of the heading text) so the table of contents and shared links hold.
        .use(anchors_plugin, min_level=2, max_level=4)
    )
    parser.core.ruler.push("table_alignment_as_class", _table_alignment_as_class)
    parser.core.ruler.push("scrollable_blocks_focusable", _scrollable_blocks_focusable)
    return parser


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
            "code": {"class", "tabindex"},
            "pre": {"tabindex"},
            "table": {"tabindex"},
        },  # fmt: skip
        allowed_classes={"td": ALIGNMENT_CLASSES, "th": ALIGNMENT_CLASSES},
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
    )


class _ArticleReader(HTMLParser):
    """Read rendered article HTML once: its plain text and its h2..h4 headings with their ids."""

    BLOCKS = {"p", "li", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "td", "th"}
    OUTLINE_LEVELS = {"h2": 2, "h3": 3, "h4": 4}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text_parts = []
        self.headings = []
        self._open_heading = None

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.text_parts.append("\n")
        if tag in self.OUTLINE_LEVELS and dict(attrs).get("id"):
            self._open_heading = {
                "level": self.OUTLINE_LEVELS[tag],
                "id": dict(attrs)["id"],
                "text": "",
            }

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.text_parts.append("\n")
        if self._open_heading and tag in self.OUTLINE_LEVELS:
            self._open_heading["text"] = " ".join(self._open_heading["text"].split())
            self.headings.append(self._open_heading)
            self._open_heading = None

    def handle_data(self, data):
        self.text_parts.append(data)
        if self._open_heading:
            self._open_heading["text"] += data


def read_article(html: str) -> tuple[str, list[dict]]:
    """Return the plain text of rendered article HTML and its outline.

    The outline is a tree of the h2..h4 headings, each `{"id", "text", "children"}`, with ids
    exactly as on the page, so the table of contents is built once, when the post is saved.
    """
    reader = _ArticleReader()
    reader.feed(html)
    reader.close()
    lines = (" ".join(line.split()) for line in "".join(reader.text_parts).splitlines())
    text = "\n".join(line for line in lines if line)
    outline, parents = [], []  # parents: the open (level, children list) pairs
    for heading in reader.headings:
        while parents and parents[-1][0] >= heading["level"]:
            parents.pop()
        entry = {"id": heading["id"], "text": heading["text"], "children": []}
        (parents[-1][1] if parents else outline).append(entry)
        parents.append((heading["level"], entry["children"]))
    return text, outline
