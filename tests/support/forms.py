"""The forms on a page, read as a browser reads them: the fields it would send, as it shows them."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class Form:
    action: str  # path and query, resolved against the page's URL
    css_class: str = ""
    fields: dict[str, str] = field(default_factory=dict)


def as_typed(text: str) -> str:
    """What a field shows when it holds `text`: the same text, with a browser's line breaks.

    Browsers turn every CR LF and lone CR in a page into LF before parsing it."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _FormParser(HTMLParser):
    """The fields a browser would send: checked boxes only, the selected option of a select (a
    list of them for a multiple select, absent when none is), no buttons or files; a textarea
    without the newline that may follow its start tag."""

    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._textarea = None
        self._select = None
        self._multiple = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = urlsplit(urljoin(self.page_url, attrs.get("action") or ""))
            path = action.path + (f"?{action.query}" if action.query else "")
            self.forms.append(Form(path, attrs.get("class") or ""))
            return
        if not self.forms:
            return
        fields, name = self.forms[-1].fields, attrs.get("name")
        if tag == "option" and self._select and "selected" in attrs:
            value = attrs.get("value") or ""
            if self._multiple:
                fields.setdefault(self._select, []).append(value)
            else:
                fields[self._select] = value
        elif not name:
            return
        elif tag == "input":
            kind = attrs.get("type") or "text"
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            fields[name] = attrs.get("value") or ("on" if kind in ("checkbox", "radio") else "")
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""
        elif tag == "select":
            self._select, self._multiple = name, "multiple" in attrs
            if not self._multiple:
                fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1].fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            fields = self.forms[-1].fields
            fields[self._textarea] = fields[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_on(html: str, page_url: str = "/") -> list[Form]:
    """Every form on the page, in order."""
    parser = _FormParser(page_url)
    parser.feed(as_typed(html))
    parser.close()
    return parser.forms


def find_form(
    html: str, action_path: str | None = None, *, css_class: str | None = None, page_url: str = "/"
) -> Form:
    """The form on the page that posts to `action_path` (and/or has the class `css_class`), with
    its fields as rendered."""
    for form in forms_on(html, page_url):
        if action_path is not None and urlsplit(form.action).path != action_path:
            continue
        if css_class is not None and css_class not in form.css_class.split():
            continue
        return form
    raise AssertionError(f"no form posting to {action_path} (class {css_class}) on the page")
