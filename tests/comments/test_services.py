"""Submitting and moderating comments: the moderators' mail is queued with the comment (and
delivered by the task worker), decisions are logged."""

import logging

import pytest
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from comments.models import Comment
from comments.services import moderate, submit_comment
from comments.spam_rules import Submission
from ops.models import OutgoingMail
from tests.support.factories import CommentFactory, StaffFactory
from tests.support.mail import subject_of, text_of
from tests.support.servers import free_port

SITE_URL = "https://notebook.example.org"


@pytest.fixture
def moderators(settings):
    settings.MODERATOR_EMAILS = ["mod@example.com", "editor@example.com"]
    settings.SITE_URL = SITE_URL
    return settings.MODERATOR_EMAILS


def test_the_moderators_mail_is_queued_with_the_comment(send_comment, moderators, post):
    send_comment(name="Grace", body="Please approve me")
    comment = Comment.objects.get()
    mails = OutgoingMail.objects.order_by("pk")
    assert [mail.to for mail in mails] == moderators
    review_url = reverse("admin:comments_comment_change", args=[comment.pk])
    for mail in mails:
        assert mail.subject == f"Comment awaiting moderation on “{post.title}”"
        assert "Grace <ada@example.com> wrote:\n\nPlease approve me" in mail.body_text
        assert f"Approve, reject or mark it as spam: {SITE_URL}{review_url}\n" in mail.body_text
        assert mail.sent_at is None  # the worker sends it, not the reader's request
    queued = DBTaskResult.objects.filter(task_path="ops.mail.deliver")
    assert sorted(task.args_kwargs["args"] for task in queued) == [[mail.pk] for mail in mails]


def test_no_mail_is_queued_for_a_comment_that_is_not_committed(db, moderators, post):
    with pytest.raises(RuntimeError), transaction.atomic():
        submit_comment(
            post=post,
            submission=Submission("Grace", "ada@example.com", "Rolled back", "", 30),
            ip_address="192.0.2.1",
        )
        raise RuntimeError("the request failed after storing the comment")
    assert not Comment.objects.exists()
    assert not OutgoingMail.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_spam_is_never_mailed(send_comment, moderators):
    send_comment(honeypot="bot")
    assert Comment.objects.get().status == "spam"
    assert not OutgoingMail.objects.exists()


def test_a_failing_mail_server_never_slows_or_loses_the_comment(send_comment, moderators, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    response = send_comment(body="Kept whatever the mail server does")
    assert response.status_code == 303
    assert Comment.objects.get().body == "Kept whatever the mail server does"
    # Nothing was tried inside the request: the queue keeps the mail for the worker.
    assert [(mail.attempts, mail.sent_at) for mail in OutgoingMail.objects.all()] == [
        (0, None),
        (0, None),
    ]


def test_the_moderators_mail_arrives_through_the_worker(send_comment, moderators, post, mail):
    send_comment(name="Grace", body="Please approve me")
    comment = Comment.objects.get()
    review_url = f"{SITE_URL}{reverse('admin:comments_comment_change', args=[comment.pk])}"
    for moderator in moderators:
        [message] = mail.wait_for(moderator)
        assert message["To"] == moderator  # each their own mail: no address shown to another
        assert subject_of(message) == f"Comment awaiting moderation on “{post.title}”"
        assert "Grace <ada@example.com> wrote:\n\nPlease approve me" in text_of(message)
        assert review_url in text_of(message)


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
