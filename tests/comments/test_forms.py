from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from comments.forms import CommentForm, issue_token, token_scope
from ops.form_tokens import SALT, BadToken, ExpiredToken, read
from tests.support.comments import form_data
from tests.support.factories import CommentFactory, PostFactory, UserFactory


def read_token(token, post, user=None):
    """When the comment form holding `token` was rendered for `post` and `user`."""
    return read(token, token_scope(post), user)


def test_token_tells_when_the_form_was_rendered(post):
    rendered_at = timezone.now() - timedelta(minutes=5)
    assert read_token(issue_token(post, rendered_at=rendered_at), post) == rendered_at


def test_token_for_another_post_is_refused(post):
    with pytest.raises(BadToken):
        read_token(issue_token(PostFactory()), post)


def test_token_rendered_for_anonymous_reader_is_refused_for_a_signed_in_user(post):
    """A page fetched by someone else cannot be replayed through a signed-in user's browser."""
    with pytest.raises(BadToken):
        read_token(issue_token(post), post, UserFactory())


def test_forged_token_is_refused(post):
    forged = signing.dumps({"scope": token_scope(post), "user": None, "at": 0}, salt=SALT)
    forged = forged[:-3] + ("AAA" if not forged.endswith("AAA") else "BBB")
    with pytest.raises(BadToken):
        read_token(forged, post)
    with pytest.raises(BadToken):
        read_token("not a token", post)


def test_token_older_than_a_day_has_expired(post):
    with pytest.raises(ExpiredToken):
        read_token(
            issue_token(post, rendered_at=timezone.now() - timedelta(days=1, seconds=1)), post
        )


def bound_form(post, **fields):
    return CommentForm(form_data(post, **fields), post=post)


def test_control_characters_and_direction_overrides_are_removed(post):
    form = bound_form(
        post, name="Ma\x00ll\x1bory", body="abc\x08\x08xyz\x07 \x1b[31mred Look: \u202egnp.exe"
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Mallory"
    assert form.cleaned_data["body"] == "abcxyz [31mred Look: gnp.exe"


def test_windows_line_endings_become_newlines(post):
    form = bound_form(post, body="one\r\ntwo\rthree")
    assert form.is_valid()
    assert form.cleaned_data["body"] == "one\ntwo\nthree"


def test_a_name_on_two_lines_is_refused(post):
    form = bound_form(post, name="Mallory\r\nSet-Cookie: pwned=1")
    assert form.errors["name"] == ["Please write your name on one line."]


def test_whitespace_or_invisible_characters_only_is_an_empty_comment(post):
    for body in ["   \t\n  \r\n ", "\x00\x07\u202e"]:
        assert bound_form(post, body=body).errors["body"] == ["Please write a comment."]


def test_a_reply_to_a_reply_joins_the_thread(post):
    thread = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=thread)
    form = bound_form(post, parent=str(reply.pk))
    assert form.is_valid()
    assert form.cleaned_data["parent"] == thread


NOT_SHOWN = (
    "The comment you are replying to is not shown any more; "
    "your comment can still be sent as a new one."
)


@pytest.mark.parametrize("status", ["pending", "spam", "rejected"])
def test_replying_to_a_comment_that_is_not_shown_is_refused(post, status):
    hidden = CommentFactory(post=post, status=status)
    assert bound_form(post, parent=str(hidden.pk)).errors == {"parent": [NOT_SHOWN]}


def test_replying_to_a_comment_on_another_post_is_refused(post):
    elsewhere = CommentFactory()
    assert bound_form(post, parent=str(elsewhere.pk)).errors == {"parent": [NOT_SHOWN]}
