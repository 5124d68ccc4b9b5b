"""The outbox (ops.mail): a message is sent at most once, whoever calls for it and however many
times; a failed send is kept and tried again later. Sent in this process to the real SMTP
server of the session."""

import logging
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ops.mail import deliver, send_later
from ops.models import OutgoingMail
from tests.support.mail import subject_of, text_of
from tests.support.servers import free_port


@pytest.fixture
def smtp(settings, mail_server):
    """This process sends through the session's SMTP server; yields what that server received."""
    if not mail_server.running:
        mail_server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        mail_server.port,
        2,
    )
    return mail_server


def unsent(to: str) -> OutgoingMail:
    """A stored message no worker was asked to send."""
    return OutgoingMail.objects.create(
        message_id=f"<{to}.{timezone.now().timestamp()}@blog.example>",
        to=to,
        subject="Hello",
        body_text="Once only.",
    )


def deliveries(mail_id: int) -> list[DBTaskResult]:
    return [
        result
        for result in DBTaskResult.objects.filter(task_path="ops.mail.deliver")
        if result.args_kwargs["args"] == [mail_id]
    ]


def test_delivering_a_message_twice_sends_it_once(smtp, db):
    mail = send_later(to="once@example.com", subject="Hello", text="Once only.")
    assert len(deliveries(mail.pk)) == 1  # the worker is asked, in the caller's transaction

    deliver.call(mail.pk)
    deliver.call(mail.pk)

    [message] = smtp.to("once@example.com")
    assert subject_of(message) == "Hello" and text_of(message).strip() == "Once only."
    assert message["Message-ID"] == mail.message_id  # a repeat would carry the same id
    mail.refresh_from_db()
    assert mail.sent_at is not None and mail.attempts == 1 and mail.last_error == ""


def test_a_message_marked_sent_is_never_sent_again(smtp, db):
    mail = unsent("sent-already@example.com")
    mail.sent_at = timezone.now() - timedelta(minutes=5)
    mail.save()
    deliver.call(mail.pk)
    assert smtp.to("sent-already@example.com") == []
    mail.refresh_from_db()
    assert mail.attempts == 0


@pytest.mark.django_db(transaction=True)
def test_a_second_worker_skips_the_message_the_first_is_sending(smtp):
    mail = unsent("locked@example.com")

    def second_worker():
        try:
            deliver.call(mail.pk)
        finally:
            connection.close()

    with transaction.atomic():
        # The first worker holds the row while it sends.
        OutgoingMail.objects.select_for_update().get(pk=mail.pk)
        worker = threading.Thread(target=second_worker)
        worker.start()
        worker.join(timeout=10)
        assert not worker.is_alive(), "the second worker waited for the row instead of skipping"
    assert smtp.to("locked@example.com") == []
    mail.refresh_from_db()
    assert mail.attempts == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_message(smtp):
    mails = [unsent(f"race{n}@example.com") for n in range(5)]
    start = threading.Barrier(2)

    def worker():
        try:
            start.wait()
            for mail in mails:
                deliver.call(mail.pk)
        finally:
            connection.close()

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=30)
    for mail in mails:
        assert len(smtp.to(mail.to)) == 1, mail.to
        mail.refresh_from_db()
        assert mail.sent_at is not None and mail.attempts == 1


def test_a_failed_send_is_kept_and_tried_again_after_a_delay(settings, db, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    settings.MAIL_RETRY_BASE_SECONDS, settings.MAIL_RETRY_MAX_SECONDS = 30, 3600
    mail = unsent("later@example.com")

    def retried_in(seconds, before):
        newest = max(deliveries(mail.pk), key=lambda result: result.enqueued_at)
        delay = timedelta(seconds=seconds)
        return before + delay <= newest.run_after <= timezone.now() + delay

    before = timezone.now()
    deliver.call(mail.pk)
    mail.refresh_from_db()
    assert mail.sent_at is None and mail.attempts == 1
    assert mail.last_error.startswith("ConnectionRefusedError")
    assert len(deliveries(mail.pk)) == 1 and retried_in(30, before)
    assert f"could not send mail {mail.pk} (attempt 1), retrying in 30.0 s" in caplog.text

    # The delay doubles, up to MAIL_RETRY_MAX_SECONDS.
    before = timezone.now()
    deliver.call(mail.pk)
    assert len(deliveries(mail.pk)) == 2 and retried_in(60, before)
    settings.MAIL_RETRY_MAX_SECONDS = 45
    before = timezone.now()
    deliver.call(mail.pk)
    assert len(deliveries(mail.pk)) == 3 and retried_in(45, before)
    mail.refresh_from_db()
    assert mail.attempts == 3 and mail.sent_at is None


def test_a_send_that_keeps_failing_is_given_up_and_logged(settings, db, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    mail = unsent("never@example.com")
    mail.attempts = settings.MAIL_MAX_ATTEMPTS - 1
    mail.save()
    with caplog.at_level(logging.ERROR, logger="ops.mail"):
        deliver.call(mail.pk)
    mail.refresh_from_db()
    assert mail.attempts == settings.MAIL_MAX_ATTEMPTS and mail.sent_at is None
    assert deliveries(mail.pk) == []
    assert f"giving up on mail {mail.pk} after {settings.MAIL_MAX_ATTEMPTS} attempts" in (
        caplog.text
    )
