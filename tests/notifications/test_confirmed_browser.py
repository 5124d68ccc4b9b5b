"""A confirmed address and the browser's mark: the browser that confirmed an address may follow
more posts with it at once; any other browser needs a click on a mailed link again."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils import timezone

from notifications.models import Address, Subscription
from tests.support.factories import PostFactory
from tests.support.forms import find_form
from tests.support.mail import link_in, subject_of
from tests.support.web import Reader

ADA = "ada@example.com"


def follow(reader: Reader, post, email: str = ADA):
    page = reader.get(post.get_absolute_url())
    form = find_form(page.text, reverse("notifications:follow", args=[post.slug]))
    form.fields["email"] = email
    answer = reader.post(form.action, form.fields)
    assert answer.status == 303, answer.text[:2000]


def confirm(reader: Reader, confirm_url: str) -> None:
    path = urlsplit(confirm_url).path
    assert "Confirm my address" in reader.get(path).text
    answer = reader.post(path, {})
    assert answer.status == 200 and f"Thank you: {ADA} is confirmed." in answer.text


def following(post) -> bool:
    return Subscription.objects.active().filter(address__email=ADA, post=post).exists()


def test_the_browser_that_confirmed_follows_at_once_another_needs_a_mailed_link(
    commenting_site_url, mail
):
    """One confirmation mail a day at most: the second browser's request is made after the
    first mail is moved back a day, or no mail would be sent (and that rule is checked too)."""
    first_post, second_post, third_post = PostFactory.create_batch(3)
    mine = Reader(commenting_site_url, address="127.0.0.61")
    other = Reader(commenting_site_url, address="127.0.0.62")

    follow(mine, first_post)
    [confirmation] = mail.wait_for(ADA)
    confirm_url = link_in(confirmation, "/mail/confirm/")
    confirm(mine, confirm_url)
    assert "mail_confirmed" in mine.cookies
    assert following(first_post)

    # The same browser follows another post: no mail, it starts at once.
    follow(mine, second_post)
    mail.drain()
    assert len(mail.to(ADA)) == 1
    assert following(second_post)

    # Another browser, no mark: not followed until a link is clicked; within the day no mail.
    follow(other, third_post)
    mail.drain()
    assert len(mail.to(ADA)) == 1
    assert not following(third_post)

    # A day later, its request mails the confirmation again: the same link, still good.
    Address.objects.filter(email=ADA).update(
        confirmation_mailed_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    follow(other, third_post)
    [_, again] = mail.wait_for(ADA, 2)
    assert subject_of(again).startswith("Confirm your address")
    assert link_in(again, "/mail/confirm/") == confirm_url
    assert not following(third_post)
    confirm(other, confirm_url)
    assert following(third_post)
