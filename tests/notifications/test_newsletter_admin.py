"""The admin shows the newsletter's subscribers (confirmed and waiting) and where each post's
mailing stands (sent, pending, failed)."""

from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from notifications.models import Address, NewPostDelivery, NewPostMailing, NewPostSubscription
from tests.support.factories import PostFactory


def subscription(email, confirmed=True):
    now = timezone.now()
    address = Address.objects.create(email=email, confirmed_at=now if confirmed else None)
    return NewPostSubscription.objects.create(
        address=address, active_since=confirmed and now or None
    )


def test_the_subscribers_list_counts_the_confirmed_and_the_waiting(editor_client):
    subscription("ada@example.com")
    subscription("grace@example.com")
    subscription("waiting@example.com", confirmed=False)
    page = editor_client.get(reverse("admin:notifications_newpostsubscription_changelist"))
    assertContains(page, "Subscribers to new posts: 2 confirmed, 1 waiting for confirmation")
    assertContains(page, "waiting@example.com")


def test_each_mailing_shows_how_many_copies_are_sent_pending_and_failed(editor_client):
    mailing = NewPostMailing.objects.create(post=PostFactory(title="On linkers"))
    now = timezone.now()
    for n, (sent_at, failed_at) in enumerate([(now, None), (now, None), (None, None), (None, now)]):
        NewPostDelivery.objects.create(
            mailing=mailing,
            subscription=subscription(f"reader{n}@example.com"),
            sent_at=sent_at,
            failed_at=failed_at,
        )
    page = editor_client.get(reverse("admin:notifications_newpostmailing_changelist"))
    assertContains(page, "On linkers")
    assertContains(page, '<td class="field-sent">2</td>', html=True)
    assertContains(page, '<td class="field-pending">1</td>', html=True)
    assertContains(page, '<td class="field-failed">1</td>', html=True)


def test_the_post_change_page_says_where_its_mailing_stands(editor_client):
    post = PostFactory()
    subscription("ada@example.com")
    change = reverse("admin:blog_post_change", args=[post.pk])
    assertContains(editor_client.get(change), "Not mailed yet: 1 confirmed subscribers")
    mailing = NewPostMailing.objects.create(post=post)
    NewPostDelivery.objects.create(
        mailing=mailing, subscription=NewPostSubscription.objects.get(), sent_at=timezone.now()
    )
    assertContains(editor_client.get(change), "1 sent, 0 pending, 0 failed.")
