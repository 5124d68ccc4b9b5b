"""The site's Markdown renderer for articles and the editor's live preview.

markdown-it-py is used rather than Python-Markdown because it follows CommonMark to the letter
(the preview and the page can never disagree on an edge case), it can switch off raw HTML at the
parser instead of relying on a filter afterwards, and its rules can be disabled one by one, which
gives comments (comments/markup.py) a strict subset from the same parser. Every output still
passes through nh3, so what reaches a page is sanitised even if a parser rule let something by.

Writing a technical post adds, each in its own small function below: code highlighted by Pygments
into CSS classes (blog/highlighting.py makes the stylesheet), `$...$` and `$$...$$` maths turned
into MathML by latex2mathml (a formula that does not parse stays as its source), footnotes, and
images of our uploads with their size and smaller copies (blog/images.py).
"""

import math
from functools import cache
from html.parser import HTMLParser

import nh3
from django.utils.html import escape
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from blog import highlighting, images

ARTICLE_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "figcaption", "figure",
    "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "strong",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
    # Highlighted code and footnotes.
    "span", "sup", "section",
}  # fmt: skip
# MathML Core's presentation elements less those the issue rules out: annotation-xml (it can carry
# HTML), maction (interaction), mglyph (an image by URL) and malignmark.
MATH_TAGS = {
    "math", "annotation", "semantics", "merror", "mfrac", "mi", "mmultiscripts", "mn", "mo",
    "mover", "mpadded", "mphantom", "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt",
    "mstyle", "msub", "msubsup", "msup", "mtable", "mtd", "mtext", "mtr", "munder", "munderover",
    "menclose", "none",
}  # fmt: skip
# Presentation attributes only: never href, style, or any event handler.
MATH_ATTRIBUTES = {
    "accent", "accentunder", "columnalign", "columnlines", "columnspacing", "columnspan",
    "depth", "display", "displaystyle", "encoding", "fence", "form", "frame", "height",
    "largeop", "linethickness", "lspace", "mathvariant", "maxsize", "minsize", "movablelimits",
    "notation", "rowalign", "rowlines", "rowspacing", "rowspan", "rspace", "scriptlevel",
    "separator", "stretchy", "symmetric", "voffset", "width",
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}
WORDS_READ_PER_MINUTE = 230
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


def _highlight(code: str, language: str, attrs) -> str:
    """A fenced block with a language Pygments knows, as `<pre>` with classed spans; "" (plain,
    markdown-it's own rendering) otherwise."""
    highlighted = highlighting.highlight(code, language)
    if highlighted is None:
        return ""
    return (
        f'<pre tabindex="0"><code class="language-{escape(language)} highlight">'
        f"{highlighted}</code></pre>"
    )


def math_to_mathml(source: str, display: bool) -> str:
    """A formula as MathML (latex2mathml), or its source, escaped, when it does not parse.

    Only MathML comes out: latex2mathml copies \\text{...} into the markup unescaped, so the
    result is cleaned here with the MathML allow-list before it joins the article.
    """
    from latex2mathml.converter import convert

    try:
        mathml = convert(source, display="block" if display else "inline")
    except Exception:  # any failure of the converter means "does not parse"
        mathml = ""
    if "<math" not in mathml:
        delimiter = "$$" if display else "$"
        return f'<code class="math-source">{escape(delimiter + source + delimiter)}</code>'
    return nh3.clean(
        mathml,
        tags=MATH_TAGS,
        attributes={tag: MATH_ATTRIBUTES for tag in MATH_TAGS},
        url_schemes=set(),
    )


def _render_inline_math(renderer, tokens, idx, options, env) -> str:
    return math_to_mathml(tokens[idx].content.strip(), display=False)


def _render_display_math(renderer, tokens, idx, options, env) -> str:
    # A span, not markdown-it's <div>: "$$...$$" may stand inside a paragraph. It scrolls a wide
    # formula sideways, so keyboards must be able to focus it, as wide code and tables.
    mathml = math_to_mathml(tokens[idx].content.strip(), display=True)
    return f'<span class="math-display" tabindex="0">{mathml}</span>'


def _images_sized_and_lazy(state):
    """Give each image its size, its smaller copies and, after the first, lazy loading."""
    seen = 0
    for token in state.tokens:
        for child in token.children or ():
            if child.type != "image":
                continue
            for name, value in images.attributes(child.attrGet("src") or "").items():
                child.attrSet(name, value)
            if seen:
                child.attrSet("loading", "lazy")
            child.attrSet("decoding", "async")
            seen += 1


@cache
def _article_parser() -> MarkdownIt:
    parser = (
        MarkdownIt("commonmark", {"html": False, "highlight": _highlight})
        .enable(["table", "strikethrough"])
        # Stable ids (slugs of the heading text) so the table of contents and shared links hold.
        .use(anchors_plugin, min_level=2, max_level=4)
        .use(footnote_plugin)
        # "$5 and $10" is not maths: no space or digit just inside or outside the dollars.
        .use(dollarmath_plugin, allow_space=False, allow_digits=False, allow_labels=False,
             double_inline=True)
    )  # fmt: skip
    parser.add_render_rule("math_inline", _render_inline_math)
    parser.add_render_rule("math_inline_double", _render_display_math)
    parser.add_render_rule("math_block", _render_display_math)
    parser.core.ruler.push("table_alignment_as_class", _table_alignment_as_class)
    parser.core.ruler.push("scrollable_blocks_focusable", _scrollable_blocks_focusable)
    parser.core.ruler.push("images_sized_and_lazy", _images_sized_and_lazy)
    return parser


def render_article(text: str) -> str:
    """Render a post's Markdown to sanitised HTML (also markdownx's preview function)."""
    html = _article_parser().render(text)
    return nh3.clean(
        html,
        tags=ARTICLE_TAGS | MATH_TAGS,
        attributes={
            "a": {"href", "title", "id"},
            "img": {
                "src",
                "alt",
                "title",
                "width",
                "height",
                "srcset",
                "sizes",
                "loading",
                "decoding",
            },
            "h2": {"id"},
            "h3": {"id"},
            "h4": {"id"},
            "ol": {"start"},
            "li": {"id"},
            "code": {"class", "tabindex"},
            "pre": {"tabindex"},
            "table": {"tabindex"},
            # Pygments' token classes and display maths' box; no other code writes a span.
            "span": {"class", "tabindex"},
            **{tag: MATH_ATTRIBUTES for tag in MATH_TAGS},
        },  # fmt: skip
        allowed_classes={
            "td": ALIGNMENT_CLASSES,
            "th": ALIGNMENT_CLASSES,
            "sup": {"footnote-ref"},
            "hr": {"footnotes-sep"},
            "section": {"footnotes"},
            "ol": {"footnotes-list"},
            "li": {"footnote-item"},
            "a": {"footnote-backref"},
        },
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
    )


def rendered_fields(body: str) -> dict:
    """What a post stores from its Markdown: the HTML, its plain text, the outline (table of
    contents) and the reading time. Post.save(), manage.py rerender_posts and migrations use it."""
    html = render_article(body)
    text, outline = read_article(html)
    minutes = max(1, math.ceil(len(text.split()) / WORDS_READ_PER_MINUTE))
    return {
        "body_html": html,
        "body_text": text,
        "outline": outline,
        "reading_time_minutes": minutes,
    }


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
