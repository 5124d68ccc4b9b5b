from django import forms

QUERY_MAX_LENGTH = 200


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
