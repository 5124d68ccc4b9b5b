"""Mail leaves through a queue: `send_later` stores it, the task worker's `deliver` sends it.

`send_later` stores the message and enqueues its delivery in the caller's transaction (the task
queue is a PostgreSQL table, django-tasks-db), so a message exists exactly when what it is about
was committed. `deliver` sends one message while holding its row locked, so two workers never
send the same message, and marks it sent in the same transaction. A failed send is logged and
retried with exponential back-off (MAIL_RETRY_BASE_SECONDS doubling up to MAIL_RETRY_MAX_SECONDS,
MAIL_MAX_ATTEMPTS in all): django-tasks has no retries of its own.
"""

import logging
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from ops.addresses import identity
from ops.models import OutgoingMail
from ops.retry import retry_delay
from ops.text import one_line

logger = logging.getLogger("ops.mail")


def send_later(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    headers=None,
    about: str | None = None,
    run_after=None,
) -> OutgoingMail:
    """Store a message for `to` and have the worker send it (not before `run_after`, if given).
    `about`: the address it is about when not its recipient's (a writer's, in a moderator's
    mail), found by its identity when that address is erased."""
    mail = OutgoingMail.objects.create(
        message_id=new_message_id(),
        to=to,
        about_identity=identity(about or to),
        subject=subject,
        body_text=text,
        body_html=html,
        headers=headers or {},
    )
    deliver.using(run_after=run_after).enqueue(mail.pk)
    return mail


def new_message_id() -> str:
    return make_msgid(domain=urlsplit(settings.SITE_URL).hostname)


def message(*, to, subject, text, html="", headers=None, message_id) -> EmailMultiAlternatives:
    """The message as it leaves: plain text, and HTML as its alternative when there is some.
    The subject is folded onto one line: a title with a line break never stops a mail."""
    built = EmailMultiAlternatives(
        one_line(subject), text, to=[to], headers={**(headers or {}), "Message-ID": message_id}
    )
    if html:
        built.attach_alternative(html, "text/html")
    return built


@task()
def deliver(mail_id: int) -> None:
    with transaction.atomic():
        # Skip a row another worker holds: it is sending that message now.
        mail = (
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id, sent_at=None)
            .first()
        )
        if mail is None:
            return
        outgoing = message(
            to=mail.to,
            subject=mail.subject,
            text=mail.body_text,
            html=mail.body_html,
            headers=mail.headers,
            message_id=mail.message_id,
        )
        mail.attempts += 1
        try:
            outgoing.send()
        except Exception as error:  # SMTP refusals, timeouts, a server that is down
            mail.last_error = f"{type(error).__name__}: {error}"[:2000]
            mail.save(update_fields=["attempts", "last_error"])
            if mail.attempts >= settings.MAIL_MAX_ATTEMPTS:
                logger.error("giving up on mail %s after %s attempts", mail.pk, mail.attempts)
                return
            delay = retry_delay(
                mail.attempts,
                base=settings.MAIL_RETRY_BASE_SECONDS,
                cap=settings.MAIL_RETRY_MAX_SECONDS,
            )
            logger.warning(
                "could not send mail %s (attempt %s), retrying in %s s: %s",
                mail.pk,
                mail.attempts,
                delay.total_seconds(),
                mail.last_error,
            )
            deliver.using(run_after=timezone.now() + delay).enqueue(mail.pk)
            return
        mail.sent_at = timezone.now()
        # Sent mail keeps its envelope, not its text: its signed links and a reader's words
        # are no one's to read again here.
        mail.body_text = mail.body_html = ""
        mail.save(update_fields=["attempts", "sent_at", "last_error", "body_text", "body_html"])
        logger.info("sent mail %s to %s: %s", mail.pk, mail.to, mail.subject)
