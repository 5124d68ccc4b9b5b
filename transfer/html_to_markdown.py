"""WordPress and Disqus store HTML; posts and comments here are Markdown. Convert, and say what
was lost.

markdownify (on BeautifulSoup's html.parser) does the conversion: it is small, pure Python, MIT,
and its converter is a class whose per-tag methods we override. (html2text is GPL and writes
text for reading rather than Markdown for editing; html-to-markdown is a compiled extension with
options we would not use.) The result is then rendered and sanitised by our own renderers, with
raw HTML off, so nothing in the source can reach a page except as text.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from bs4 import BeautifulSoup
from markdownify import ATX, MarkdownConverter

# Markdown cannot say these (or our pages must not run them): dropped with their content and
# reported.
DROPPED_TAGS = (
    "script", "style", "iframe", "object", "embed", "video", "audio", "form", "input", "button",
    "select", "textarea", "svg", "canvas", "noscript", "template", "frame", "frameset", "applet",
)  # fmt: skip

# markdownify converts an element by recursion, three Python frames a level: deeper HTML would
# exhaust the stack (about 330 levels). No real post nests a tenth as deep.
MAX_NESTING = 100

BLOCK_START = re.compile(
    r"^\s*<(p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|hr|dl|section|article)\b", re.I
)


class TooDeeplyNested(ValueError):
    """The HTML nests elements deeper than MAX_NESTING: it cannot be converted."""


@dataclass
class Converted:
    markdown: str
    images: list[str] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)


class _Converter(MarkdownConverter):
    """Images become links: the site's CSP shows only its own images, and a remote one would
    appear broken. The editor uploads the picture and replaces the link."""

    def __init__(self, images: list[str], **options):
        super().__init__(**options)
        self.images = images

    def convert_img(self, el, text, parent_tags):
        src = (el.attrs.get("src") or "").strip()
        alt = (el.attrs.get("alt") or "").strip() or "image"
        if src:
            self.images.append(src)
        if not src or "_inline" in parent_tags or el.find_parent("a") is not None:
            return f"Image: {alt}"  # a link already, or where a link cannot go
        return f"[Image: {alt}]({src})"


def _code_language(el) -> str:
    code = el.find("code")
    for classes in (el.get("class") or [], (code.get("class") or []) if code else []):
        for name in classes:
            if name.startswith("language-"):
                return name.removeprefix("language-")
    return ""


def autop(html: str) -> str:
    """WordPress keeps classic posts and all comments without <p>: it makes paragraphs of blank
    lines when it shows them (wpautop). Do the same, leaving HTML that has its own blocks."""
    if re.search(r"<(p|pre)\b", html, re.I):
        return html
    paragraphs = []
    for chunk in re.split(r"\n\s*\n", html.strip()):
        if BLOCK_START.match(chunk):
            paragraphs.append(chunk)
        elif chunk.strip():
            paragraphs.append("<p>" + chunk.strip().replace("\n", "<br>\n") + "</p>")
    return "\n".join(paragraphs)


def to_markdown(html: str) -> Converted:
    """Markdown for `html` (WordPress's or Disqus's), with the images it pointed at and the
    elements it dropped."""
    soup = BeautifulSoup(autop(html or ""), "html.parser")
    dropped = Counter()
    for tag in soup.find_all(DROPPED_TAGS):
        if tag.decomposed:  # inside another dropped element
            continue
        dropped[tag.name] += 1
        tag.decompose()
    depth = nesting(soup)
    if depth > MAX_NESTING:
        raise TooDeeplyNested(
            f"its HTML nests elements {depth:,} deep, and at most {MAX_NESTING} can be converted"
        )
    images: list[str] = []
    converter = _Converter(
        images,
        heading_style=ATX,
        bullets="-",
        code_language_callback=_code_language,
        escape_misc=False,
    )
    markdown = converter.convert_soup(soup)
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip()
    return Converted(markdown + "\n" if markdown else "", images, dropped)


def nesting(soup) -> int:
    """How deep elements nest in `soup`, found without recursion (elements come parents first)."""
    depths = {id(soup): 0}
    for tag in soup.find_all(True):
        depths[id(tag)] = depths[id(tag.parent)] + 1
    return max(depths.values())


def plain_text(html: str) -> str:
    """The text of some HTML, on one line."""
    return " ".join(BeautifulSoup(html or "", "html.parser").get_text(" ").split())


def first_paragraph(html: str) -> str:
    """The text of the first paragraph of `html` with any text, else all its text."""
    soup = BeautifulSoup(autop(html or ""), "html.parser")
    for paragraph in soup.find_all("p"):
        text = " ".join(paragraph.get_text(" ").split())
        if text:
            return text
    return plain_text(html)
