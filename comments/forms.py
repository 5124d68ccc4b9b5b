"""The "Post a Comment" form.

It carries a signed form token (ops.form_tokens) scoped to its post and the signed-in account,
in place of the CSRF cookie that anonymous readers never get (their post pages stay cacheable).
The token's age also feeds the "too fast" anti-spam rule.
"""

import re
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.timesince import timesince

from comments.models import MAX_COMMENT_ID, Comment
from comments.spam_rules import Submission
from ops import form_tokens
from ops.addresses import validate_identity

# Invisible characters that only ever mislead: C0/C1 controls (NUL, backspace, bell, escape codes)
# except tab and newline, the bidirectional overrides that make "gnp.exe" read "exe.png", and
# Unicode's noncharacters (U+FDD0..U+FDEF and the last two of every plane), which HTML forbids.
INVISIBLE_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef"
    + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(17))
    + "]"
)


def token_scope(post) -> str:
    return f"comments.post:{post.pk}"


def issue_token(post, user=None, rendered_at=None) -> str:
    return form_tokens.issue(token_scope(post), user, rendered_at)


class PlainTextField(forms.CharField):
    """Text as typed, with newlines normalised and invisible control characters removed."""

    def to_python(self, value):
        text = super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")
        return INVISIBLE_CHARACTERS.sub("", text).strip()


class NameField(PlainTextField):
    def to_python(self, value):
        name = super().to_python(value)
        if "\n" in name:
            raise ValidationError("Please write your name on one line.", code="multiline")
        return name


class CommentForm(forms.ModelForm):
    """The comment's own fields come from the model (lengths, labels); the rest say how the form
    was sent. It never saves: comments.services.submit_comment stores the comment."""

    # The honeypot: hidden by CSS (class comment-form-honeypot), so only bots fill it in.
    honeypot = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    parent = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_COMMENT_ID, widget=forms.HiddenInput
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Comment
        fields = ["name", "email", "body", "notify_writer"]
        field_classes = {"name": NameField, "body": PlainTextField}
        labels = {"body": "Comment"}
        help_texts = {"notify_writer": "We first send a link to confirm your address."}
        error_messages = {
            "name": {"required": "Please give a name; it is shown with your comment."},
            "email": {"required": "Please give your email address; it is never shown."},
            "body": {"required": "Please write a comment."},
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "body": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, post, user=None, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.post = post
        self.user = user
        self.rendered_at = None
        self.fields["token"].initial = issue_token(post, user)
        if user is not None and user.is_authenticated:
            self.fields["name"].initial = user.get_full_name() or user.get_username()
            self.fields["email"].initial = user.email

    def clean_email(self):
        validate_identity(self.cleaned_data["email"])
        return self.cleaned_data["email"]

    def clean_parent(self):
        pk = self.cleaned_data["parent"]
        if pk is None:
            return None
        parent = Comment.objects.reply_target(self.post, pk)
        if parent is None:
            raise ValidationError(
                "The comment you are replying to is not shown any more; "
                "your comment can still be sent as a new one.",
                code="parent",
            )
        return parent

    def clean(self):
        token = self.data.get("token", "")
        try:
            self.rendered_at = form_tokens.read(token, token_scope(self.post), self.user)
        except form_tokens.ExpiredToken:
            self._renew_token(expired=True)
            now = timezone.now()
            raise ValidationError(
                f"This form was opened more than {timesince(now - form_tokens.max_age(), now)} "
                "ago. Please check your comment and send it again.",
                code="expired_token",
            ) from None
        except form_tokens.BadToken:
            self._renew_token(expired=False)
            raise ValidationError(
                "This form could not be verified. Please send your comment again.",
                code="bad_token",
            ) from None
        return self.cleaned_data

    def _renew_token(self, expired: bool):
        """Give the re-shown form a fresh token. After an expired one, dated back so that it may
        be sent at once: that reader wrote their comment long ago and must not be taken for a bot
        that posts too fast. After a missing or forged one, dated now: anyone can send a garbled
        token, and a token dated back would let a bot skip the "too fast" rule."""
        rendered_at = timezone.now()
        if expired:
            rendered_at -= timedelta(seconds=settings.COMMENTS_MIN_SUBMIT_SECONDS)
        self.data = self.data.copy()
        self.data["token"] = issue_token(self.post, self.user, rendered_at)

    def submission(self) -> Submission:
        return Submission(
            name=self.cleaned_data["name"],
            email=self.cleaned_data["email"],
            body=self.cleaned_data["body"],
            honeypot=self.cleaned_data["honeypot"].strip(),
            seconds_taken=(timezone.now() - self.rendered_at).total_seconds(),
        )


class EditForm(forms.ModelForm):
    """A writer's edit of their comment's text."""

    class Meta:
        model = Comment
        fields = ["body"]
        field_classes = {"body": PlainTextField}
        labels = {"body": "Comment"}
        error_messages = {"body": {"required": "Please write a comment, or delete it instead."}}
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
