"""The post page stays cacheable with the new forms: anonymous readers get no cookie; only one who
has acted (followed, confirmed) gets one, and a private page."""

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from notifications import links
from notifications.models import Address, MailRequest, Subscription
from tests.support.comments import comment_url
from tests.support.forms import find_form

SHARED = "public, no-cache"  # browsers revalidate every visit; CDN-Cache-Control for CDNs
PRIVATE = "private, no-cache"
CHECKBOX_LABEL = "Email me when my comment is approved and when someone replies"


def follow_url(post):
    return reverse("notifications:follow", args=[post.slug])


def test_an_anonymous_reader_gets_both_forms_no_cookie_and_a_shared_page(client, post):
    page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    assert "Set-Cookie" not in page.headers and page.cookies == {}
    assert page.headers["Cache-Control"] == SHARED
    html = page.content.decode()

    # "Email me...", off until the reader ticks it.
    assertContains(page, f'<label for="id_notify_writer">{CHECKBOX_LABEL}</label>', html=True)
    assertContains(
        page,
        '<input type="checkbox" name="notify_writer" id="id_notify_writer"'
        ' aria-describedby="id_notify_writer_helptext">',
        html=True,
    )
    assert "notify_writer" not in find_form(html, comment_url(post)).fields  # unticked

    # "Follow the discussion": an address and a signed token, no CSRF cookie.
    assertContains(page, '<h3 id="follow-heading">Follow the discussion</h3>', html=True)
    follow = find_form(html, follow_url(post))
    assert set(follow.fields) == {"token", "email"}
    assert follow.fields["token"]
    assert "csrfmiddlewaretoken" not in html


def test_a_reader_who_follows_gets_a_cookie_and_then_a_private_page(client, post):
    follow = find_form(client.get(post.get_absolute_url()).content.decode(), follow_url(post))
    follow.fields["email"] = "ada@example.com"
    response = client.post(follow.action, follow.fields)
    assert response.status_code == 303
    assert response.headers["Location"] == f"{post.get_absolute_url()}#follow"
    assert response.cookies  # the answer to show on the next page
    assert MailRequest.objects.count() == 1

    page = client.get(post.get_absolute_url())
    assertContains(page, "Thank you. New comments on this post will be emailed to that address.")
    assert page.headers["Cache-Control"] == PRIVATE
    # Someone else still gets the page shared caches keep.
    assert Client().get(post.get_absolute_url()).headers["Cache-Control"] == SHARED


def test_a_reader_who_confirms_gets_the_signed_mark_of_that_address(client, post):
    now = timezone.now()
    address = Address.objects.create(
        email="ada@example.com", confirmation_sent_at=now, confirmation_mailed_at=now
    )
    Subscription.objects.create(address=address, post=post)
    response = client.post(links.confirm_url(address).removeprefix(links.absolute("")))
    assert response.status_code == 200
    mark = response.cookies["mail_confirmed"]
    assert mark["httponly"] and mark["samesite"] == "Lax"
    assert "ada@example.com" not in mark.value  # it names the address's id, never the address
    assert client.get(post.get_absolute_url()).headers["Cache-Control"] == PRIVATE


def test_a_follow_with_a_bad_token_is_refused_and_keeps_the_typed_address(client, post):
    response = client.post(follow_url(post), {"email": "ada@example.com", "token": "forged"})
    assertContains(
        response,
        "This form could not be verified or is too old. Please send it again.",
        status_code=400,
    )
    form = find_form(response.content.decode(), follow_url(post))
    assert form.fields["email"] == "ada@example.com"
    assert MailRequest.objects.count() == 0
    assert "Set-Cookie" not in response.headers

    # The form shown again carries a good token: sending it works.
    assert client.post(form.action, form.fields).status_code == 303
    assert MailRequest.objects.count() == 1


def test_a_follow_without_an_address_asks_for_one(client, post):
    follow = find_form(client.get(post.get_absolute_url()).content.decode(), follow_url(post))
    response = client.post(follow.action, {**follow.fields, "email": "not an address"})
    assertContains(response, "Enter a valid email address.", status_code=400)
    response = client.post(follow.action, follow.fields)
    assertContains(response, "Please give the address to email.", status_code=400)
    assert MailRequest.objects.count() == 0
