"""Asking for mail is limited per address and per visitor's address (no mail bombing through our
forms): five requests for one address make one confirmation; past the limit, 429."""

from django.conf import settings
from django.urls import reverse
from pytest_django.asserts import assertContains

from comments.models import Comment
from notifications.forms import token_scope
from notifications.models import MailRequest, Subscription
from ops import form_tokens
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
