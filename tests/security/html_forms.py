"""What a form shows in its fields once a browser has parsed the page."""

from html.parser import HTMLParser


def _as_browser_keeps(text: str) -> str:
    # Browsers turn every CR LF and lone CR in a page into LF.
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _FormReader(HTMLParser):
    def __init__(self, form_class: str):
        super().__init__(convert_charrefs=True)
        self.form_class = form_class
        self.in_form = False
        self.textarea = None
        self.values = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.in_form = self.form_class in (attributes.get("class") or "").split()
        elif self.in_form and tag == "input" and attributes.get("name"):
            self.values[attributes["name"]] = attributes.get("value") or ""
        elif self.in_form and tag == "textarea":
            self.textarea = attributes.get("name")
            self.values[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self.textarea:
            # A newline right after <textarea> is not part of the value.
            self.values[self.textarea] = self.values[self.textarea].removeprefix("\n")
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea] += data


def form_values(html: str, form_class: str) -> dict[str, str]:
    """The value of each named input and textarea in the form with `form_class`, as shown."""
    reader = _FormReader(form_class)
    reader.feed(_as_browser_keeps(html))
    reader.close()
    return reader.values


def as_typed(text: str) -> str:
    """What a field shows when it holds `text`: the same text, with a browser's line breaks."""
    return _as_browser_keeps(text)
