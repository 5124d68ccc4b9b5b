"""With the SMTP server down, comments are still accepted at the usual speed and approved; the
mail waits in the queue, retried with back-off, and goes out once the server is back."""

import time

from django.urls import reverse

from comments.models import Comment
from comments.services import moderate
from ops.models import OutgoingMail
from tests.support.factories import PostFactory
from tests.support.forms import find_form
from tests.support.mail import IMMINENT, subject_of, subscribed, text_of
from tests.support.web import Reader, until

WRITERS = [f"writer{n}@example.com" for n in range(3)]
FOLLOWER = "fay@example.com"


def test_comments_are_accepted_while_smtp_is_down_and_the_mail_goes_out_once_it_is_back(
    commenting_site_url, mail, moderator
):
    post = PostFactory(title="On outages")
    subscribed(FOLLOWER, post)
    comment_path = reverse("comments:post-comment", args=[post.slug])
    mail.server.stop()  # the `mail` fixture starts it again, whatever happens here

    for n, writer in enumerate(WRITERS):
        # Each reader from their own address, so that the flood limit plays no part.
        reader = Reader(commenting_site_url, address=f"127.0.0.{50 + n}")
        form = find_form(reader.get(post.get_absolute_url()).text, comment_path)
        form.fields.update(
            name=f"Writer {n}", email=writer, body=f"Comment {n} while mail is down",
            notify_writer="on",
        )  # fmt: skip
        started = time.monotonic()
        answer = reader.post(form.action, form.fields)
        took = time.monotonic() - started
        assert answer.status == 303, answer.text[:2000]
        assert took < 1, f"a comment took {took:.2f} s to be answered while SMTP was down"
    assert Comment.objects.filter(status="pending").count() == 3

    # The confirmations the writers asked for fail, and are tried again.
    until(
        lambda: OutgoingMail.objects.filter(to__in=WRITERS, attempts__gte=2).count() == 3,
        "every confirmation to fail twice",
        seconds=10,
    )
    moderate(Comment.objects.all(), Comment.Status.APPROVED, moderator)
    until(
        lambda: OutgoingMail.objects.filter(to=FOLLOWER, attempts__gte=1).exists(),
        "the mail to the follower to be tried",
        seconds=10,
    )
    assert not OutgoingMail.objects.exclude(sent_at=None).exists()
    assert mail.server.messages == []

    mail.server.start()
    for writer in WRITERS:
        [confirmation] = mail.wait_for(writer, seconds=10)
        assert subject_of(confirmation).startswith("Confirm your address")
    [news] = mail.wait_for(FOLLOWER, seconds=10)
    assert subject_of(news) == "3 new comments on “On outages”"
    for n in range(3):
        assert f"Comment {n} while mail is down" in text_of(news)
    mail.drain(ahead=IMMINENT)  # a retry of the moderators' mail may be a second away
    readers = [
        message["To"] for message in mail.server.messages if message["To"] != moderator.email
    ]
    assert sorted(readers) == sorted([*WRITERS, FOLLOWER])  # each once
    assert not OutgoingMail.objects.filter(sent_at=None).exists()
    assert all(sent.attempts > 1 for sent in OutgoingMail.objects.all())
    worker_log = mail.worker.log.read_text()
    for sent in OutgoingMail.objects.all():
        assert f"could not send mail {sent.pk} (attempt 1), retrying in 0.2 s" in worker_log
