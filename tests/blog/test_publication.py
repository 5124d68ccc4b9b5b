"""A post becoming public is announced once (`blog.signals.post_became_public`): a scheduled
post when its time comes, through the real worker, whatever number of saves queued it; again
only after it was withdrawn and published again."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from blog.models import Post
from blog.publication import CLOCK_SKEW_MARGIN, announce_if_public
from blog.signals import post_became_public
from notifications.models import Address, NewPostSubscription
from tests.support.factories import PostFactory
from tests.support.pages import Page
from tests.support.web import until
from webmentions.models import SentWebmention


@pytest.fixture
def announcements():
    """The posts announced in this process, in order."""
    heard = []

    def hear(sender, post, **kwargs):
        heard.append(post.pk)

    post_became_public.connect(hear, dispatch_uid="tests.announcements")
    yield heard
    post_became_public.disconnect(dispatch_uid="tests.announcements")


def test_a_scheduled_post_is_announced_once_when_its_time_comes(mail, other_site):
    """Its subscriber gets one mail and the site it links to one webmention, at its time, though
    it was saved twice while scheduled."""
    now = timezone.now()
    address = Address.objects.create(
        email="ada@example.com", confirmation_sent_at=now, confirmation_mailed_at=now,
        confirmed_at=now,
    )  # fmt: skip
    NewPostSubscription.objects.create(address=address, active_since=now)
    other_site.pages["/article"] = Page(
        "<p>An article.</p>",
        headers={"Content-Type": "text/html", "Link": '</endpoint>; rel="webmention"'},
    )
    other_site.pages["/endpoint"] = Page("Accepted", 202, {"Content-Type": "text/plain"})
    due = timezone.now() + timedelta(seconds=3)
    post = PostFactory(
        mail_subscribers=True,
        published_at=due,
        body=f"See [their article]({other_site.url('/article')}).",
    )
    post.title = "Scheduled, then edited"
    post.save()
    mail.drain()  # what is due now is done: the post is not public yet
    assert Post.objects.get(pk=post.pk).public_announced_at is None
    assert mail.to("ada@example.com") == []

    [message] = mail.wait_for("ada@example.com", seconds=20)
    until(
        lambda: SentWebmention.objects.filter(status=SentWebmention.Status.SENT).exists(),
        "the webmention to be sent",
    )
    mail.drain()
    assert timezone.now() >= due
    assert Post.objects.get(pk=post.pk).public_announced_at >= due
    assert len(mail.to("ada@example.com")) == 1
    assert len([r for r in other_site.received if r.method == "POST"]) == 1


@pytest.mark.django_db
def test_two_saves_of_a_public_post_announce_it_once(announcements):
    """Each save queues the task; only one sends. A copy of the post read before the
    announcement and saved after it does not undo the mark."""
    post = PostFactory()
    read_before = Post.objects.get(pk=post.pk)
    post.save()
    announce_if_public.call(post.pk)  # the task the first save queued
    announce_if_public.call(post.pk)  # and the second
    read_before.title = "Edited in a second tab"
    read_before.save()
    announce_if_public.call(post.pk)
    assert announcements == [post.pk]


@pytest.mark.django_db
def test_a_scheduled_post_is_not_announced_before_its_time(announcements):
    post = PostFactory(published_at=timezone.now() + timedelta(hours=1))
    announce_if_public.call(post.pk)
    assert announcements == []
    assert Post.objects.get(pk=post.pk).public_announced_at is None


@pytest.mark.django_db
def test_a_task_run_before_postgresql_counts_the_post_public_looks_again_at_its_time(
    announcements, django_capture_on_commit_callbacks
):
    """The worker's clock may run a little ahead of PostgreSQL's: the task that finds the post
    not yet public queues itself again for the post's time, so no announcement is lost."""
    due = timezone.now() + timedelta(hours=1)
    post = PostFactory(published_at=due)

    with django_capture_on_commit_callbacks(execute=True):
        announce_if_public.call(post.pk)

    assert announcements == []
    [again] = DBTaskResult.objects.filter(task_path=announce_if_public.module_path)
    assert again.run_after == due + CLOCK_SKEW_MARGIN


@pytest.mark.django_db
def test_a_post_withdrawn_and_published_again_is_announced_again(announcements):
    post = PostFactory()
    announce_if_public.call(post.pk)
    post.status = Post.Status.DRAFT
    post.save()
    announce_if_public.call(post.pk)
    assert announcements == [post.pk]
    post.status = Post.Status.PUBLISHED
    post.save()
    announce_if_public.call(post.pk)
    assert announcements == [post.pk, post.pk]
