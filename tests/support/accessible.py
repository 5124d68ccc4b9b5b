"""What a screen reader announces for a page's links: their accessible names, read as a browser
computes them for a plain link (its aria-label, or else all its text, visually hidden or not)."""

from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Link:
    name: str
    href: str


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self._open = None  # (aria-label, href, text parts) of the link being read

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            attrs = dict(attrs)
            self._open = (attrs.get("aria-label"), attrs.get("href") or "", [])

    def handle_data(self, data):
        if self._open is not None:
            self._open[2].append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            label, href, text = self._open
            self.links.append(Link(label or " ".join("".join(text).split()), href))
            self._open = None


def links_in(html: str) -> list[Link]:
    """The links of `html` in document order, each with its accessible name."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser.links
