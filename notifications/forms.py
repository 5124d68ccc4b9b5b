from django import forms
from django.core.exceptions import ValidationError

from ops import form_tokens


def token_scope(post) -> str:
    return f"notifications.follow:{post.pk}"


class FollowForm(forms.Form):
    """ "Follow the discussion": an address only, with a signed form token in place of a CSRF
    cookie, so that the post page stays cacheable for readers who never use it."""

    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="We email new approved comments on this post, after you confirm the address.",
        error_messages={"required": "Please give the address to email."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, post, **kwargs):
        # Its own ids: the comment form on the same page has an email field too.
        super().__init__(*args, label_suffix="", auto_id="id_follow_%s", **kwargs)
        self.post = post
        self.fields["token"].initial = form_tokens.issue(token_scope(post))

    def clean(self):
        try:
            form_tokens.read(self.data.get("token", ""), token_scope(self.post))
        except (form_tokens.BadToken, form_tokens.ExpiredToken):
            self.data = self.data.copy()
            self.data["token"] = form_tokens.issue(token_scope(self.post))
            raise ValidationError(
                "This form could not be verified or is too old. Please send it again.",
                code="bad_token",
            ) from None
        return self.cleaned_data


class DataRequestForm(forms.Form):
    """ "Your comments and data": an address, to which we mail a link to its comments."""

    SCOPE = "notifications.your-data"

    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="The address you wrote your comments with.",
        error_messages={"required": "Please give the address your comments were written with."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["token"].initial = form_tokens.issue(self.SCOPE)

    def clean(self):
        try:
            form_tokens.read(self.data.get("token", ""), self.SCOPE)
        except (form_tokens.BadToken, form_tokens.ExpiredToken):
            self.data = self.data.copy()
            self.data["token"] = form_tokens.issue(self.SCOPE)
            raise ValidationError(
                "This form could not be verified or is too old. Please send it again.",
                code="bad_token",
            ) from None
        return self.cleaned_data
