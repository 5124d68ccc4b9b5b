"""Mail of new posts to the newsletter's subscribers, through the real worker and SMTP server:
one copy per confirmed subscriber when a post becomes public (now, or when its time comes),
never again on an edit, none when the box is unticked; one-click unsubscribe (RFC 8058); no copy
lost while SMTP is down or when the worker is killed mid-batch, and none sent twice."""

import os
import signal
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from blog.models import Post
from notifications.models import Address, NewPostDelivery, NewPostMailing, NewPostSubscription
from notifications.newsletter import send_batch
from tests.support.factories import PostFactory
from tests.support.forms import find_form
from tests.support.mail import html_of, subject_of, task_worker, text_of
from tests.support.web import Reader, until


def subscriber(email: str, confirmed: bool = True) -> NewPostSubscription:
    now = timezone.now()
    address = Address.objects.create(
        email=email,
        confirmation_sent_at=now,
        confirmation_mailed_at=now,
        confirmed_at=now if confirmed else None,
    )
    return NewPostSubscription.objects.create(
        address=address, active_since=now if confirmed else None
    )


def mailed_post(**fields) -> Post:
    return PostFactory(mail_subscribers=True, **fields)


def test_a_published_post_is_mailed_once_to_each_confirmed_subscriber(mail):
    subscriber("ada@example.com")
    subscriber("grace@example.com")
    subscriber("waiting@example.com", confirmed=False)
    post = mailed_post(title="On linkers", description="How symbols find each other.")

    [ada] = mail.wait_for("ada@example.com")
    [grace] = mail.wait_for("grace@example.com")
    mail.drain()
    assert mail.to("waiting@example.com") == []
    assert subject_of(ada) == "On linkers · The ML Engineering Notebook"
    url = post.get_absolute_url()
    assert "How symbols find each other." in text_of(ada) and f"{url}\n" in text_of(ada)
    assert "How symbols find each other." in html_of(ada)
    assert 'href="http' in html_of(ada) and f'{url}"' in html_of(ada)
    assert f'href="{url}"' not in html_of(ada)  # links are absolute
    assert ada["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(ada["List-Unsubscribe"]).strip()  # folded onto its own line, as Subject
    assert unsubscribe.startswith("<http") and unsubscribe.endswith(">")
    assert ada["List-Unsubscribe"] != grace["List-Unsubscribe"]  # each names its subscription

    post.title = "On linkers, revised"
    post.save()  # an edit of a published post
    post.save()
    mail.drain()
    assert len(mail.to("ada@example.com")) == 1 and len(mail.to("grace@example.com")) == 1
    assert NewPostMailing.objects.count() == 1
    assert NewPostDelivery.objects.exclude(sent_at=None).count() == 2


def test_a_post_published_with_the_box_unticked_is_not_mailed(mail):
    subscriber("ada@example.com")
    PostFactory(mail_subscribers=False)
    mail.drain()
    assert mail.to("ada@example.com") == []
    assert not NewPostMailing.objects.exists()


def test_a_draft_is_not_mailed_until_it_is_published(mail):
    subscriber("ada@example.com")
    post = mailed_post(status=Post.Status.DRAFT)
    mail.drain()
    assert mail.to("ada@example.com") == []
    post.status = Post.Status.PUBLISHED
    post.save()
    [message] = mail.wait_for("ada@example.com")
    assert post.title in subject_of(message)


def test_the_admin_ticks_the_box_for_a_new_post(editor_client):
    page = editor_client.get(reverse("admin:blog_post_add")).content.decode()
    form = find_form(page, reverse("admin:blog_post_add"), page_url=reverse("admin:blog_post_add"))
    assert form.fields["mail_subscribers"] == "on"


def test_a_scheduled_post_is_mailed_when_its_time_comes(mail):
    subscriber("ada@example.com")
    due = timezone.now() + timedelta(seconds=3)
    mailed_post(published_at=due)
    mail.drain()  # what is due now is done: the post is not public yet
    assert mail.to("ada@example.com") == []
    [message] = mail.wait_for("ada@example.com", seconds=20)
    assert timezone.now() >= due
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_click_unsubscribe_by_post_and_a_get_only_asks(commenting_site_url, mail):
    subscriber("ada@example.com")
    mailed_post()
    [message] = mail.wait_for("ada@example.com")
    url = str(message["List-Unsubscribe"]).strip().strip("<>")
    path = urlsplit(url).path
    mail_provider = Reader(commenting_site_url, address="127.0.0.71")  # no cookie, no Referer

    asked = mail_provider.get(path)
    assert asked.status == 200 and "Stop emailing ada@example.com about each new post?" in (
        asked.text
    )
    assert NewPostSubscription.objects.count() == 1  # a GET unsubscribes nobody

    answer = mail_provider.post(path, {"List-Unsubscribe": "One-Click"})
    assert answer.status == 200
    assert not NewPostSubscription.objects.exists()
    again = mail_provider.post(path, {"List-Unsubscribe": "One-Click"})
    assert again.status == 200 and "stopped already" in again.text

    mailed_post()
    mail.drain()
    assert len(mail.to("ada@example.com")) == 1
    assert mail_provider.post(path[:-3] + "xx/", {}).status == 400  # a forged link


def test_no_copy_is_lost_while_smtp_is_down(mail):
    subscribers = [f"reader{n}@example.com" for n in range(3)]
    for email in subscribers:
        subscriber(email)
    mail.server.stop()  # the `mail` fixture starts it again, whatever happens here
    mailed_post()
    until(
        lambda: NewPostDelivery.objects.filter(attempts__gte=2, sent_at=None).count() == 3,
        "every copy to fail twice",
        seconds=15,
    )
    assert mail.server.messages == []
    mail.server.start()
    for email in subscribers:
        mail.wait_for(email, seconds=15)
    mail.drain()
    assert sorted(message["To"] for message in mail.server.messages) == subscribers
    assert not NewPostDelivery.objects.filter(sent_at=None).exists()


@pytest.fixture
def own_worker_only(mail_worker, mail_server, transactional_db):
    """The session's worker paused, so that the workers a test starts are the only ones."""
    mail_server.messages.clear()
    if not mail_server.running:
        mail_server.start()
    mail_worker.drain()  # paused between tasks, never in one
    os.kill(mail_worker.process.pid, signal.SIGSTOP)
    try:
        yield mail_server
    finally:
        os.kill(mail_worker.process.pid, signal.SIGCONT)
        mail_worker.drain()


def test_a_worker_killed_mid_batch_is_restarted_and_mails_nobody_twice_and_nobody_missed(
    own_worker_only, commenting_site_url
):
    """Killed after the SMTP server took a copy and before it heard so (twice), the worker is
    restarted: nobody is missed, and each kill repeats at most that one copy, with the same
    Message-ID, so a mail client shows it once."""
    smtp = own_worker_only
    subscribers = [f"reader{n}@example.com" for n in range(8)]
    for email in subscribers:
        subscriber(email)
    env = {
        **smtp.settings(),
        "SITE_URL": commenting_site_url,
        "NEW_POST_MAIL_BATCH": "20",  # all in one batch
    }
    kills = 0
    for killed_at in (3, 6):
        with task_worker(env) as worker:
            smtp.kill_on_accepting(worker.process, killed_at)
            if kills == 0:
                mailed_post()
            worker.process.wait(timeout=30)
        kills += 1
        assert len(smtp.messages) == killed_at  # killed there, mid-batch
        # A killed worker leaves its task marked running for ever: an operator's restart
        # clears it.
        DBTaskResult.objects.running().delete()

    with task_worker(env) as last:
        until(
            lambda: not NewPostDelivery.objects.pending().exists(),
            "every subscriber's copy",
            seconds=30,
        )
        last.drain()
    received = [message["To"] for message in smtp.messages]
    assert set(received) == set(subscribers)  # nobody missed
    assert len(received) - len(subscribers) <= kills
    for email in subscribers:
        copies = smtp.to(email)
        assert len({message["Message-ID"] for message in copies}) == 1  # a repeat is the same
    assert not NewPostDelivery.objects.filter(sent_at=None).exists()


def test_a_post_withdrawn_mid_mailing_pauses_it_and_publishing_it_again_resumes_once(mail):
    subscribers = [f"reader{n}@example.com" for n in range(3)]
    for email in subscribers:
        subscriber(email)
    post = mailed_post(status=Post.Status.DRAFT)
    # The mailing had started when the post was withdrawn (as if published, then made a draft).
    mailing = NewPostMailing.objects.create(post=post)
    for subscription in NewPostSubscription.objects.all():
        NewPostDelivery.objects.create(mailing=mailing, subscription=subscription)
    send_batch.enqueue(mailing.pk)
    until(lambda: NewPostMailing.objects.exclude(paused_at=None).exists(), "the mailing to pause")
    assert mail.server.messages == []

    post.status = Post.Status.PUBLISHED
    post.save()
    post.save()  # a second save does not start a second sender
    for email in subscribers:
        mail.wait_for(email)
    mail.drain()
    assert sorted(message["To"] for message in mail.server.messages) == subscribers


def test_a_post_with_a_line_break_in_its_title_is_still_mailed(mail):
    """A title is one line in a subject (a line break in a header would stop every copy)."""
    subscriber("ada@example.com")
    mailed_post(title="On\nlinkers\r\n\tand loaders")  # as an old import stored it
    [message] = mail.wait_for("ada@example.com")
    assert subject_of(message) == "On linkers and loaders · The ML Engineering Notebook"
    mail.drain()
    assert not NewPostDelivery.objects.filter(sent_at=None).exists()
