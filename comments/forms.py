"""The "Post a Comment" form and its signed token.

The token carries the post, the signed-in user (if any) and the time the form was rendered, signed
with the secret key (as django-contrib-comments' security hash does). It replaces the CSRF cookie,
which anonymous readers never get so that post pages stay cacheable: a token is only good for the
post, and the account, it was rendered for. Its age also feeds the "too fast" anti-spam rule.
"""

import re
from datetime import UTC, datetime, timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.timesince import timesince

from comments.models import Comment
from comments.moderation import Submission

SIGNING_SALT = "comments.form"
# Comment ids are bigints: a larger "parent" is refused by the form, not by the database.
MAX_COMMENT_ID = 2**63 - 1

# Invisible characters that only ever mislead: C0/C1 controls (NUL, backspace, bell, escape codes)
# except tab and newline, and the bidirectional overrides that make "gnp.exe" read "exe.png".
INVISIBLE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class BadToken(Exception):
    pass


class ExpiredToken(Exception):
    pass


def _user_pk(user):
    return user.pk if user is not None and user.is_authenticated else None


def issue_token(post, user=None, rendered_at: datetime | None = None) -> str:
    rendered_at = rendered_at or timezone.now()
    payload = {"post": post.pk, "user": _user_pk(user), "at": rendered_at.timestamp()}
    return signing.dumps(payload, salt=SIGNING_SALT)


def read_token(token: str, post, user=None) -> datetime:
    """Return when the form was rendered; raise BadToken or ExpiredToken."""
    try:
        payload = signing.loads(token, salt=SIGNING_SALT)
        rendered_at = datetime.fromtimestamp(payload["at"], tz=UTC)
        belongs = payload["post"] == post.pk and payload["user"] == _user_pk(user)
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError) as error:
        raise BadToken from error
    if not belongs:
        raise BadToken
    if timezone.now() - rendered_at > timedelta(seconds=settings.COMMENTS_TOKEN_MAX_AGE_SECONDS):
        raise ExpiredToken
    return rendered_at


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


class CommentForm(forms.Form):
    name = NameField(
        max_length=Comment._meta.get_field("name").max_length,
        error_messages={"required": "Please give a name; it is shown with your comment."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        max_length=Comment._meta.get_field("email").max_length,
        help_text="Never shown; only the moderators see it.",
        error_messages={"required": "Please give your email address; it is never shown."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    body = PlainTextField(
        label="Comment",
        max_length=Comment._meta.get_field("body").max_length,
        help_text="Plain text. *Emphasis*, `code`, lists and links work too.",
        error_messages={"required": "Please write a comment."},
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    # The trap: hidden by CSS (class comment-form-trap), so only bots fill it in.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    parent = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_COMMENT_ID, widget=forms.HiddenInput
    )
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, post, user=None, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.post = post
        self.user = user
        self.rendered_at = None
        self.fields["token"].initial = issue_token(post, user)
        if user is not None and user.is_authenticated:
            self.fields["name"].initial = user.get_full_name() or user.get_username()
            self.fields["email"].initial = user.email

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
            self.rendered_at = read_token(token, self.post, self.user)
        except ExpiredToken:
            self._renew_token()
            now = timezone.now()
            max_age = timedelta(seconds=settings.COMMENTS_TOKEN_MAX_AGE_SECONDS)
            raise ValidationError(
                f"This form was opened more than {timesince(now - max_age, now)} ago. "
                "Please check your comment and send it again.",
                code="expired_token",
            ) from None
        except BadToken:
            self._renew_token()
            raise ValidationError(
                "This form could not be verified. Please send your comment again.",
                code="bad_token",
            ) from None
        return self.cleaned_data

    def _renew_token(self):
        """Give the re-shown form a fresh token that may be sent at once: the reader has
        written their comment already and must not be taken for a bot that posts too fast."""
        min_seconds = timedelta(seconds=settings.COMMENTS_MIN_SUBMIT_SECONDS)
        self.data = self.data.copy()
        self.data["token"] = issue_token(self.post, self.user, timezone.now() - min_seconds)

    def submission(self) -> Submission:
        return Submission(
            name=self.cleaned_data["name"],
            email=self.cleaned_data["email"],
            body=self.cleaned_data["body"],
            trap=self.cleaned_data["website"].strip(),
            seconds_taken=(timezone.now() - self.rendered_at).total_seconds(),
        )
