"""What makes rendered HTML dangerous to a reader, found by parsing it as a browser would."""

from html.parser import HTMLParser

SCRIPT_URL_PREFIXES = ("javascript:", "vbscript:", "data:text/html")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href"}
ACTIVE_TAGS = {"script", "iframe", "object", "embed", "form", "meta", "base", "style", "svg"}


def _is_script_url(value: str) -> bool:
    # Browsers ignore ASCII whitespace and control characters inside a URL's scheme.
    squeezed = "".join(ch for ch in value if ord(ch) > 32).lower()
    return squeezed.startswith(SCRIPT_URL_PREFIXES)


class _ActiveContentFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_TAGS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")
            elif name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            elif name in URL_ATTRIBUTES and value and _is_script_url(value):
                self.problems.append(f"{name}={value!r} on <{tag}>")


def active_content(html: str) -> list[str]:
    """Every element, handler or URL in `html` that could run script or restyle the page."""
    finder = _ActiveContentFinder()
    finder.feed(html)
    finder.close()
    return finder.problems
