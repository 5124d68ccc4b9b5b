"""Submitting and moderating comments: moderators are emailed after commit, decisions logged."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from comments.models import Comment
from comments.services import moderate
from tests.support.factories import CommentFactory, StaffFactory
from tests.support.servers import free_port


@pytest.fixture
def moderators(settings):
    settings.MODERATOR_EMAILS = ["mod@example.com", "editor@example.com"]
    return settings.MODERATOR_EMAILS


def test_moderators_are_emailed_only_once_the_comment_is_committed(
    send_comment, moderators, post, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        send_comment(name="Grace", body="Please approve me")
    assert mail.outbox == []  # still inside the test's transaction: nothing committed yet
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    comment = Comment.objects.get()
    assert message.to == moderators
    assert message.subject == f"Comment awaiting moderation on “{post.title}”"
    assert "Grace <ada@example.com> wrote:\n\nPlease approve me" in message.body
    review_url = reverse("admin:comments_comment_change", args=[comment.pk])
    assert f"http://testserver{review_url}" in message.body


def test_spam_is_never_emailed(send_comment, moderators, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_comment(honeypot="bot")
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_never_loses_the_comment(send_comment, moderators, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    response = send_comment(body="Kept whatever the mail server does")
    assert response.status_code == 303
    assert Comment.objects.get().body == "Kept whatever the mail server does"
    assert f"could not email the moderators about comment {Comment.objects.get().pk}" in (
        caplog.text
    )


def test_moderating_records_who_and_when_and_logs_each_comment(db, caplog):
    comments = CommentFactory.create_batch(2, status="pending")
    moderator = StaffFactory(username="mod")
    with caplog.at_level(logging.INFO, logger="comments.moderation"):
        count = moderate(Comment.objects.all(), Comment.Status.APPROVED, moderator)
    assert count == 2
    for comment in comments:
        comment.refresh_from_db()
        assert (comment.status, comment.moderated_by) == ("approved", moderator)
        assert comment.moderated_at is not None
    assert [r.getMessage() for r in caplog.records if r.name == "comments.moderation"] == [
        f"comment {comment.pk} set to approved by mod" for comment in comments
    ]
