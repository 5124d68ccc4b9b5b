from django import forms
from django.core.exceptions import ValidationError

from ops import form_tokens
from ops.addresses import validate_identity


def token_scope(post) -> str:
    return f"notifications.follow:{post.pk}"


class AddressForm(forms.Form):
    """An address and a signed form token in place of a CSRF cookie (ops.form_tokens), so that
    the pages holding these forms stay cacheable for readers who never use them. Subclasses say
    what the token is good for (`scope`)."""

    email = forms.EmailField(
        label="Your email address",
        max_length=254,  # what Address.email holds
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["token"].initial = form_tokens.issue(self.scope())

    def scope(self) -> str:
        raise NotImplementedError

    def clean_email(self):
        validate_identity(self.cleaned_data["email"])
        return self.cleaned_data["email"]

    def clean(self):
        try:
            form_tokens.read(self.data.get("token", ""), self.scope())
        except (form_tokens.BadToken, form_tokens.ExpiredToken):
            self.data = self.data.copy()
            self.data["token"] = form_tokens.issue(self.scope())
            raise ValidationError(
                "This form could not be verified or is too old. Please send it again.",
                code="bad_token",
            ) from None
        return self.cleaned_data


class FollowForm(AddressForm):
    """ "Follow the discussion": new approved comments on one post, by mail."""

    def __init__(self, *args, post, **kwargs):
        self.post = post
        # Its own ids: the comment form on the same page has an email field too.
        super().__init__(*args, auto_id="id_follow_%s", **kwargs)
        self.fields[
            "email"
        ].help_text = "We email new approved comments on this post, after you confirm the address."
        self.fields["email"].error_messages["required"] = "Please give the address to email."

    def scope(self) -> str:
        return token_scope(self.post)


class DataRequestForm(AddressForm):
    """ "Your comments and data": an address, to which we mail a link to its comments."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = "The address you wrote your comments with."
        self.fields["email"].error_messages["required"] = (
            "Please give the address your comments were written with."
        )

    def scope(self) -> str:
        return "notifications.your-data"


class SubscribeForm(AddressForm):
    """ "Subscribe to new posts", in every page's footer: each new post, by mail."""

    def __init__(self, *args, **kwargs):
        # Its own ids: a post page has the comment and Follow forms' email fields too.
        super().__init__(*args, auto_id="id_subscribe_%s", **kwargs)
        self.fields[
            "email"
        ].help_text = (
            "We email each new post, after you confirm the address. Every mail has a link to stop."
        )
        self.fields["email"].error_messages["required"] = "Please give the address to email."

    def scope(self) -> str:
        return "notifications.new-posts"
