import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from blog import search

register = template.Library()

# The same escapes as Django's json_script: nothing in the data can close the script element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def highlight(snippet):
    """A search snippet, escaped, with its matches in `<mark>`."""
    return search.highlight(snippet)


@register.filter
def json_ld(data):
    """Structured data for search engines, escaped like `json_script`, typed application/ld+json."""
    payload = json.dumps(data, cls=DjangoJSONEncoder).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308
