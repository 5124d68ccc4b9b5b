"""Subscribing to new posts from every page's footer: the verified-address flow of the Follow
form (the same answer for every address, a confirmation whose GET confirms nothing, flood limits
with 429) and a clear 400 for hostile input."""

import json
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from pytest_django.asserts import assertContains

from notifications.models import MailRequest, NewPostSubscription
from tests.support.factories import PostFactory
from tests.support.forms import find_form
from tests.support.mail import link_in, subject_of
from tests.support.web import Reader

BAD_INPUTS = json.loads((Path(__file__).parents[1] / "data" / "bad_inputs.json").read_text())
ANSWER = "Each new post will be emailed to that address."
TOO_MANY = "Too many requests for mail from this address or this connection in the last"


def subscribe_path() -> str:
    return reverse("notifications:subscribe")


def footer_form(reader: Reader, path: str = "/"):
    return find_form(reader.get(path).text, subscribe_path(), css_class="subscribe-form")


def test_the_subscribe_form_is_in_the_footer_of_cached_pages_without_a_cookie(
    commenting_site_url, transactional_db
):
    post = PostFactory()
    reader = Reader(commenting_site_url, address="127.0.0.61")
    for path in ["/", post.get_absolute_url()]:
        answer = reader.get(path)
        assert answer.status == 200
        assert "public" in answer.headers["Cache-Control"]
        assert answer.headers.get_all("Set-Cookie") is None
        form = find_form(answer.text, subscribe_path(), css_class="subscribe-form")
        assert set(form.fields) == {"token", "email"} and form.fields["token"]


def test_subscribing_and_confirming_by_the_buttons_post_starts_the_newsletter(
    commenting_site_url, mail
):
    reader = Reader(commenting_site_url, address="127.0.0.62")
    form = footer_form(reader)
    form.fields["email"] = "Ada@Example.com"
    answer = reader.post(form.action, form.fields)
    assert answer.status == 200 and ANSWER in answer.text

    [confirmation] = mail.wait_for("ada@example.com")
    assert subject_of(confirmation).startswith("Confirm your address")
    confirm_url = link_in(confirmation, "/mail/confirm/")
    mailer = Reader(commenting_site_url, address="127.0.0.63")  # the mail client: no cookie
    shown = mailer.get(confirm_url)
    assert shown.status == 200 and "each new post" in shown.text
    assert "Confirm my address" in shown.text
    assert NewPostSubscription.objects.active().count() == 0  # a GET confirms nothing

    confirmed = mailer.post(confirm_url, {})
    assert confirmed.status == 200 and "is confirmed" in confirmed.text
    [subscription] = NewPostSubscription.objects.active()
    assert subscription.address.email == "ada@example.com"


def test_known_and_unknown_addresses_get_the_same_answer(commenting_site_url, mail):
    reader = Reader(commenting_site_url, address="127.0.0.64")
    answers = []
    for address in ["known@example.com", "known@example.com", "stranger@example.com"]:
        form = footer_form(reader)
        form.fields["email"] = address
        answer = reader.post(form.action, form.fields)
        # Each page carries a fresh form token: the rest must not differ.
        answers.append((answer.status, re.sub(r'name="token" value="[^"]*"', "", answer.text)))
    assert answers[0] == answers[1] == answers[2]
    mail.drain()
    assert len(mail.to("known@example.com")) == 1  # one confirmation a day


def test_a_subscribe_flood_from_one_address_gets_429_and_sends_nothing_more(
    commenting_site_url, mail
):
    reader = Reader(commenting_site_url, address="127.0.0.65")
    form = footer_form(reader)
    form.fields["email"] = "flood@example.com"
    for _ in range(settings.NOTIFICATIONS_REQUESTS_PER_ADDRESS):
        assert reader.post(form.action, form.fields).status == 200
    refused = reader.post(form.action, form.fields)
    assert refused.status == 429 and TOO_MANY in refused.text
    assert int(refused.headers["Retry-After"]) > 0
    assert 'value="flood@example.com"' in refused.text  # the form again, as typed
    mail.drain()
    assert len(mail.to("flood@example.com")) == 1


def test_a_subscribe_flood_from_one_connection_gets_429_and_sends_nothing_more(
    commenting_site_url, mail
):
    reader = Reader(commenting_site_url, address="127.0.0.66")
    form = footer_form(reader)
    for n in range(settings.NOTIFICATIONS_REQUESTS_PER_IP):
        form.fields["email"] = f"many{n}@example.com"
        assert reader.post(form.action, form.fields).status == 200
    form.fields["email"] = "one-more@example.com"
    refused = reader.post(form.action, form.fields)
    assert refused.status == 429 and TOO_MANY in refused.text
    mail.drain()
    assert mail.to("one-more@example.com") == []
    assert MailRequest.objects.count() == settings.NOTIFICATIONS_REQUESTS_PER_IP


def test_hostile_addresses_get_400_with_a_clear_message_and_never_500(client, db):
    for n, case in enumerate(BAD_INPUTS):
        form = find_form(client.get("/").content.decode(), subscribe_path())
        form.fields["email"] = case["input"]
        answer = client.post(form.action, form.fields, REMOTE_ADDR=f"192.0.2.{n % 250 + 1}")
        expected = case["outcome"]["email"]
        if expected == "shown":  # a valid address: the usual answer
            assertContains(answer, ANSWER)
            continue
        assert answer.status_code == 400, case["why"]
        message = (
            "Please give the address to email."
            if not case["input"].strip()
            else "Enter a valid email address."
        )
        assertContains(answer, message, status_code=400)


def test_a_stale_form_token_is_refused_with_400_and_a_fresh_form(client, db):
    answer = client.post(subscribe_path(), {"email": "ada@example.com", "token": "forged"})
    assertContains(answer, "This form could not be verified or is too old.", status_code=400)
    form = find_form(answer.content.decode(), subscribe_path(), css_class="subscribe-form")
    assert form.fields["email"] == "ada@example.com" and form.fields["token"] != "forged"
