"""What a view declares: that the page cache may keep its pages (`shareable`), and the query
parameters it reads, each with its normalising function. From them comes a page's one address
(`canonical_query`): any other query is answered 301 to it (middleware.PageCache.redirect)."""

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from django.urls import Resolver404, get_resolver


def page_number(maximum: int = 1000):
    """A page number parameter: a whole number from 2 to `maximum` (larger ones are `maximum`);
    anything else means the first page and is dropped."""

    def normalise(value: str) -> str | None:
        try:
            number = int(value)
        except ValueError:
            return None
        return str(min(number, maximum)) if number > 1 else None

    return normalise


def object_id(value: str) -> str | None:
    """A positive database id, or nothing."""
    try:
        number = int(value)
    except ValueError:
        return None
    return str(number) if 0 < number < 2**63 else None


@dataclass(frozen=True)
class Shareable:
    params: dict = field(default_factory=dict)


def shareable(view=None, **params):
    """Let the page cache store this view's pages for readers without cookies. `params` names the
    query parameters the view reads, each with its normalising function (page_number(),
    object_id); any other parameter is dropped from the key and from what Django sees.

    Works on a function view, a view class (before as_view()) or a callable object (a Feed)."""

    def mark(target):
        target.page_cache = Shareable(params)
        return target

    return mark(view) if view is not None else mark


def shareable_of(view) -> Shareable | None:
    found = getattr(view, "page_cache", None)
    if found is None:
        found = getattr(getattr(view, "view_class", None), "page_cache", None)
    return found if isinstance(found, Shareable) else None


def shareable_view_at(path: str) -> Shareable | None:
    """What the view at `path` declared, or None (not shareable, or no view there)."""
    try:
        return shareable_of(get_resolver().resolve(path).func)
    except Resolver404:
        return None


def canonical_query(view: Shareable, query_string: str) -> str:
    """The query string the view reads: each parameter it declared, normalised by its own function
    (the last one given counts), in the order the view declared them (Django's {% querystring %}
    keeps a page's parameters in place and adds `page` last); any other parameter dropped."""
    if not query_string:
        return ""
    query = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        if name in view.params:
            query.pop(name, None)
            normalised = view.params[name](value)
            if normalised is not None:
                query[name] = normalised
    return urlencode([(name, query[name]) for name in view.params if name in query])
