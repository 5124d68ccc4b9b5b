"""Asking for mail is limited per address and per visitor's address (no mail bombing through our
forms): five requests for one address make one confirmation; past the limit, 429."""

import logging
from datetime import UTC, datetime
from unittest import mock

from django.conf import settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains

from comments.models import Comment
from notifications.forms import token_scope
from notifications.models import Address, MailRequest, Subscription
from notifications.tasks import subscribe_to_new_posts
from ops import form_tokens
from ops.limit_keys import limit_address
from ops.models import OutgoingMail
from tests.support.comments import comment_url, form_data
from tests.support.factories import PostFactory
from tests.support.forms import find_form
from tests.support.mail import subject_of
from tests.support.web import Reader

# The 429 page's words (the window it names follows NOTIFICATIONS_REQUEST_WINDOW_SECONDS).
TOO_MANY = "Too many requests for mail from this address or this connection in the last"
TRY_LATER = "Please try again later."


def follow_path(post) -> str:
    return reverse("notifications:follow", args=[post.slug])


def test_five_follows_of_one_address_in_a_minute_send_one_mail_and_a_sixth_gets_429(
    commenting_site_url, mail
):
    post = PostFactory(title="On linkers")
    reader = Reader(commenting_site_url, address="127.0.0.31")
    follow = find_form(reader.get(post.get_absolute_url()).text, follow_path(post))
    follow.fields["email"] = "ada@example.com"
    for _ in range(settings.NOTIFICATIONS_REQUESTS_PER_ADDRESS):
        answer = reader.post(follow.action, follow.fields)
        assert answer.status == 303, answer.text[:2000]

    [confirmation] = mail.wait_for("ada@example.com")
    assert subject_of(confirmation).startswith("Confirm your address")

    sixth = reader.post(follow.action, follow.fields)
    assert sixth.status == 429
    assert TOO_MANY in sixth.text and TRY_LATER in sixth.text
    assert 'value="ada@example.com"' in sixth.text  # the form is shown again, as typed
    assert int(sixth.headers["Retry-After"]) > 0
    mail.drain()
    assert len(mail.to("ada@example.com")) == 1
    assert MailRequest.objects.count() == settings.NOTIFICATIONS_REQUESTS_PER_ADDRESS


def test_five_ticked_boxes_of_one_address_send_one_mail_and_a_sixth_comment_is_still_kept(
    client, mail
):
    post = PostFactory()
    for n in range(settings.NOTIFICATIONS_REQUESTS_PER_ADDRESS + 1):
        # Each from its own address, under the comments' flood limit.
        response = client.post(
            comment_url(post),
            form_data(post, body=f"Comment {n}", notify_writer="on"),
            REMOTE_ADDR=f"192.0.2.{n + 1}",
        )
        assert response.status_code == 303
    assert Comment.objects.filter(email="ada@example.com").count() == 6

    [confirmation] = mail.wait_for("ada@example.com")
    assert subject_of(confirmation).startswith("Confirm your address")
    mail.drain()
    assert len(mail.to("ada@example.com")) == 1
    # One subscription for each of the first five threads; the sixth asked once too often.
    assert Subscription.objects.filter(address__email="ada@example.com").count() == 5


def test_requests_from_one_visitor_are_limited_whatever_the_addresses(client, post):
    token = form_tokens.issue(token_scope(post))
    for n in range(settings.NOTIFICATIONS_REQUESTS_PER_IP):
        response = client.post(
            follow_path(post), {"email": f"reader{n}@example.com", "token": token},
            REMOTE_ADDR="198.51.100.9",
        )  # fmt: skip
        assert response.status_code == 303
    refused = client.post(
        follow_path(post), {"email": "one-more@example.com", "token": token},
        REMOTE_ADDR="198.51.100.9",
    )  # fmt: skip
    assertContains(refused, TOO_MANY, status_code=429)
    assertContains(refused, TRY_LATER, status_code=429)
    assert MailRequest.objects.count() == settings.NOTIFICATIONS_REQUESTS_PER_IP

    # Another visitor asking for that address is not held back.
    other = client.post(
        follow_path(post), {"email": "one-more@example.com", "token": token},
        REMOTE_ADDR="198.51.100.10",
    )  # fmt: skip
    assert other.status_code == 303


def test_the_429_page_states_the_window_the_limit_is_counted_in(client, post, settings):
    """The limit's window is a setting; the page and Retry-After must follow it, as the
    comments' flood limit page does (not a fixed hour)."""
    settings.NOTIFICATIONS_REQUEST_WINDOW_SECONDS = 600
    settings.NOTIFICATIONS_REQUESTS_PER_ADDRESS = 1
    data = {"email": "ada@example.com", "token": form_tokens.issue(token_scope(post))}
    assert client.post(follow_path(post), data).status_code == 303
    refused = client.post(follow_path(post), data)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "600"
    assertContains(refused, "in the last 10 minutes", status_code=429)


def follow(client, post, email: str, ip: str) -> int:
    """The Follow form for `email` sent from `ip`: its answer's status."""
    data = {"email": email, "token": form_tokens.issue(token_scope(post))}
    return client.post(follow_path(post), data, REMOTE_ADDR=ip).status_code


def test_plus_addresses_of_one_inbox_share_the_request_count(client, post, settings):
    """`victim+1@` and `victim+2@` reach one inbox: they are one address for the limit."""
    settings.NOTIFICATIONS_REQUESTS_PER_ADDRESS = 2
    assert follow(client, post, "victim+1@example.com", "198.51.100.1") == 303
    assert follow(client, post, "victim+2@example.com", "198.51.100.2") == 303
    assert follow(client, post, "Victim@example.com", "198.51.100.3") == 429
    assert follow(client, post, "victim+3@EXAMPLE.com", "198.51.100.4") == 429
    assert follow(client, post, "other@example.com", "198.51.100.5") == 303


def test_two_ipv6_visitors_of_one_64_share_the_request_count(client, post, settings):
    settings.NOTIFICATIONS_REQUESTS_PER_IP = 2
    assert follow(client, post, "a@example.com", "2001:db8:7:8::1") == 303
    assert follow(client, post, "b@example.com", "2001:db8:7:8:1:2:3:4") == 303
    assert follow(client, post, "c@example.com", "2001:db8:7:8::ffff") == 429
    assert follow(client, post, "c@example.com", "2001:db8:7:9::1") == 303  # another /64


def test_three_visitors_cannot_fill_one_inbox_with_plus_addresses(client, mail):
    """The attack measured: three client addresses, ten requests each for `victim+N@`, put 30
    confirmation mails into one inbox in seconds. Now at most the per-address limit goes in."""
    post = PostFactory()
    statuses = [
        follow(client, post, f"victim+{visitor * 10 + n}@example.com", f"203.0.113.{visitor}")
        for visitor in (1, 2, 3)
        for n in range(10)
    ]
    assert statuses.count(303) == settings.NOTIFICATIONS_REQUESTS_PER_ADDRESS
    mail.drain()
    inbox = [m for m in mail.server.messages if limit_address(str(m["To"])) == "victim@example.com"]
    assert 0 < len(inbox) <= settings.NOTIFICATIONS_REQUESTS_PER_ADDRESS


def test_past_the_site_wide_ceiling_confirmation_mail_waits_for_the_next_hour(db, settings, caplog):
    """NOTIFICATIONS_CONFIRMATIONS_PER_HOUR holds for the whole site: past it, a confirmation
    mail is stored and sent at the next hour with room, never dropped; the log says so."""
    settings.NOTIFICATIONS_CONFIRMATIONS_PER_HOUR = 2
    ten_past_ten = datetime(2026, 12, 8, 10, 10, tzinfo=UTC)
    readers = [f"reader{n}@example.com" for n in range(5)]
    with (
        mock.patch("django.utils.timezone.now", return_value=ten_past_ten),
        caplog.at_level(logging.WARNING, logger="notifications"),
    ):
        for email in readers:
            subscribe_to_new_posts.call(email=email, marks=[])

    mails = list(OutgoingMail.objects.order_by("pk"))
    assert [mail.to for mail in mails] == readers  # every one kept
    deliveries = {
        # django-tasks-db writes "at once" as the year 9999.
        task.args_kwargs["args"][0]: task.run_after if task.run_after.year < 9999 else None
        for task in DBTaskResult.objects.filter(task_path="ops.mail.deliver")
    }
    eleven, noon = ten_past_ten.replace(hour=11, minute=0), ten_past_ten.replace(hour=12, minute=0)
    assert [deliveries[mail.pk] for mail in mails] == [None, None, eleven, eleven, noon]
    assert Address.objects.get(email="reader4@example.com").confirmation_mailed_at == noon
    assert "goes at 2026-12-08T11:00:00+00:00" in caplog.text
