from django import forms

QUERY_MAX_LENGTH = 200


def search_terms(query: str) -> str:
    """A search as the page cache keys it (ops.page_cache.shareable): runs of spaces as one,
    none at the ends. Letter case is kept: the results are the same, but the page repeats the
    words as the reader typed them."""
    return " ".join(query.split())


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search posts",
        max_length=QUERY_MAX_LENGTH,
        error_messages={
            "required": "Type a word or a phrase to search for.",
            "max_length": f"Search for at most {QUERY_MAX_LENGTH} characters.",
        },
        widget=forms.SearchInput,
    )
