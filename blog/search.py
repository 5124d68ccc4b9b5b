"""Full-text search of the published posts: websearch syntax, weighted ranking, marked snippets.

The ranking reads the stored `Post.search_vector` (title A, description B, body C) through its
GIN index. Snippets come from PostgreSQL's ts_headline over the body's plain text; PostgreSQL
marks the matches with two private-use characters, and `highlight` escapes everything else
before turning those characters into `<mark>` elements, so no text from a post is ever trusted.
"""

import nh3
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from blog.models import SEARCH_CONFIG, Post

MATCH_START = "\ue000"
MATCH_STOP = "\ue001"


def search_posts(text: str):
    """Published posts matching `text` (web-search syntax), best first, each with a `snippet`."""
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    return (
        Post.objects.published()
        .filter(search_vector=query)
        .without_text()
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            snippet=SearchHeadline(
                "body_text",
                query,
                config=SEARCH_CONFIG,
                start_sel=MATCH_START,
                stop_sel=MATCH_STOP,
                max_words=40,
                min_words=20,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def highlight(snippet: str) -> SafeString:
    """Escape a search snippet and turn its match markers into balanced `<mark>` elements."""
    marked = escape(snippet).replace(MATCH_START, "<mark>").replace(MATCH_STOP, "</mark>")
    return mark_safe(nh3.clean(marked, tags={"mark"}, attributes={}))  # noqa: S308 (sanitised)
