"""Writers own their comments: edit for a while, delete any time, see, take and erase their data."""

import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from comments import decision_links
from comments.models import Ban, Comment, CommentEdit
from comments.services import TooLateToUndo, moderate, undo
from notifications.models import Address, MailRequest, Subscription
from notifications.tasks import mail_data_link
from ops.models import OutgoingMail
from tests.support.accessible import links_in
from tests.support.factories import CommentFactory, PostFactory, StaffFactory

ORIGINAL = "Gradient descent needs a learning rate that is small enough."


@pytest.fixture
def published(send_comment, post, client):
    """A comment this `client` wrote, approved by a moderator."""
    send_comment(body=ORIGINAL)
    comment = Comment.objects.get()
    moderate(Comment.objects.filter(pk=comment.pk), "approved", StaffFactory())
    comment.refresh_from_db()
    return comment


def edit(client, comment, body):
    return client.post(reverse("comments:edit", args=[comment.pk]), {"body": body})


def test_a_small_edit_keeps_the_comment_published_and_shows_edited(client, published, post):
    response = edit(client, published, ORIGINAL.replace("small enough", "small enough!"))
    assert response.status_code == 303
    published.refresh_from_db()
    assert published.status == "approved"
    assert "small enough!" in published.body
    page = client.get(post.get_absolute_url())
    assertContains(page, "small enough!")
    assertContains(page, '<span class="comment-edited">edited</span>', html=True)
    assert CommentEdit.objects.get().body_before == ORIGINAL


def test_a_larger_edit_goes_back_to_the_queue_with_the_reason(client, published, settings):
    settings.MODERATOR_EMAILS = ["mod@example.com"]
    edit(client, published, "Something else entirely, written after the moderator read it.")
    published.refresh_from_db()
    assert published.status == "pending"
    assert published.status_reason.startswith("edited: ")
    assert published.status_reason.endswith("characters changed since approval")
    [mail] = OutgoingMail.objects.filter(to="mod@example.com")  # about the edited text
    assert "Something else entirely" in mail.body_text


def test_small_edits_cannot_add_up(client, published):
    for _ in range(3):
        edit(client, published, Comment.objects.get().body + " more words")
    published.refresh_from_db()
    assert published.status == "pending"  # judged against the approved text, not the last


@pytest.fixture
def long_published(send_comment, client):
    """The longest comment, in a two-letter alphabet (where difflib took seconds), approved."""
    send_comment(body="ab" * 2500)
    comment = Comment.objects.get()
    moderate(Comment.objects.filter(pk=comment.pk), "approved", StaffFactory())
    comment.refresh_from_db()
    return comment


def test_a_small_edit_of_a_long_two_letter_comment_keeps_it_published(client, long_published):
    edit(client, long_published, "ba" * 2500)  # the first letter moved to the end: 2 changes
    long_published.refresh_from_db()
    assert (long_published.status, long_published.body) == ("approved", "ba" * 2500)


def test_an_edit_of_21_characters_goes_back_to_the_queue_saying_so(client, long_published):
    edit(client, long_published, "b" * 21 + long_published.body[21:])  # 11 letters differ...
    long_published.refresh_from_db()
    assert long_published.status == "approved"
    edit(client, long_published, "b" * 42 + long_published.body[42:])  # ...21 letters differ
    long_published.refresh_from_db()
    assert long_published.status == "pending"
    assert long_published.status_reason == "edited: more than 20 characters changed since approval"


def test_a_small_edit_adding_a_link_goes_back_to_the_queue_saying_so(client, published):
    edit(client, published, ORIGINAL + " https://x.example")
    published.refresh_from_db()
    assert published.status == "pending"
    assert published.status_reason == (
        "edited: 18 characters changed since approval, and a new link"
    )


def test_an_edit_may_add_no_link(client, published):
    edit(client, published, ORIGINAL + " https://example.com")
    published.refresh_from_db()
    assert published.status == "pending"


def test_an_edit_goes_through_the_anti_spam_rules_again(client, published):
    edit(client, published, ORIGINAL + " casino")
    published.refresh_from_db()
    assert (published.status, published.status_reason) == ("spam", "spam words: contains “casino”")


def test_an_edit_kills_the_mailed_decision_links(client, published, moderator):
    url = decision_links.decision_url(published, moderator, "reject")
    edit(client, published, ORIGINAL + "!")
    response = Client().get(urlsplit(url).path)
    assertContains(response, "The comment changed since this mail")
    assert Client().post(urlsplit(url).path).status_code == 409
    published.refresh_from_db()
    assert published.status == "approved"


def test_another_browser_may_neither_edit_nor_delete(published):
    stranger = Client()
    for view in ["comments:edit", "comments:delete"]:
        response = stranger.post(reverse(view, args=[published.pk]), {"body": "Hijacked"})
        assertContains(response, "Only its writer can change this comment", status_code=403)
    published.refresh_from_db()
    assert published.body == ORIGINAL


def test_after_the_window_the_edit_link_is_gone_and_an_edit_is_refused(client, published, post):
    Comment.objects.filter(pk=published.pk).update(
        created_at=timezone.now() - timedelta(minutes=16)
    )
    page = client.get(post.get_absolute_url())
    assertNotContains(page, reverse("comments:edit", args=[published.pk]))
    assertContains(page, reverse("comments:delete", args=[published.pk]))
    response = edit(client, published, ORIGINAL + "!")
    assertContains(
        response, "A comment can be edited for 15 minutes after it is sent.", status_code=403
    )
    published.refresh_from_db()
    assert published.body == ORIGINAL


def test_an_approved_reply_blocks_an_edit_and_a_pending_one_does_not(client, published):
    CommentFactory(post=published.post, parent=published, status="pending")
    assert edit(client, published, ORIGINAL + "!").status_code == 303
    CommentFactory(post=published.post, parent=published, status="approved")
    response = edit(client, published, ORIGINAL + "?")
    assertContains(response, "Someone has replied to this comment", status_code=403)


def test_only_the_writer_sees_edit_and_delete(client, published, post):
    mine = client.get(post.get_absolute_url())
    assertContains(mine, reverse("comments:edit", args=[published.pk]))
    others = Client().get(post.get_absolute_url())
    assert others.status_code == 200
    assertContains(others, ORIGINAL)
    assertNotContains(others, reverse("comments:delete", args=[published.pk]))


def test_deleting_a_comment_without_replies_removes_it(client, published, post):
    page = client.get(reverse("comments:delete", args=[published.pk]))
    assertContains(page, "Delete my comment")
    assert Comment.objects.filter(pk=published.pk).exists()  # the GET changes nothing
    response = client.post(reverse("comments:delete", args=[published.pk]))
    assert response.status_code == 303
    assert not Comment.objects.filter(pk=published.pk).exists()


def test_deleting_a_comment_with_replies_leaves_a_placeholder_and_the_replies(
    client, published, post
):
    reply = CommentFactory(post=post, parent=published, status="approved", body="A fine reply")
    client.post(reverse("comments:delete", args=[published.pk]))
    published.refresh_from_db()
    assert published.deleted_at is not None
    assert (published.name, published.email, published.body, published.user_agent) == ("",) * 4
    assert published.ip_address is None
    page = Client().get(post.get_absolute_url())
    assertContains(page, "Comment deleted.")
    assertContains(page, reply.body)
    assertNotContains(page, ORIGINAL)


def test_moderators_see_the_history_of_edits(client, published, moderator_client):
    edit(client, published, ORIGINAL + " Indeed.")
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[published.pk]))
    assertContains(page, "Edits by its writer")
    assertContains(page, "small enough. Indeed.")


def data_link(email):
    mail_data_link.call(email)
    [message] = OutgoingMail.objects.filter(to=email, subject__startswith="Your comments")
    [url] = [word for word in message.body_text.split() if "/your-data/" in word]
    return urlsplit(url).path


def ask_for_data(email, address="192.0.2.9"):
    page = Client().get(reverse("notifications:your-data"))
    token = page.context["form"]["token"].value()
    return Client().post(
        reverse("notifications:your-data"), {"email": email, "token": token}, REMOTE_ADDR=address
    )


def test_the_data_page_answers_the_same_whoever_asks(db, django_capture_on_commit_callbacks):
    CommentFactory(email="known@example.com")
    known = ask_for_data("known@example.com")
    unknown = ask_for_data("nobody@example.com")
    assert known.status_code == unknown.status_code == 200

    # Each page's form tokens are signed afresh (the footer's Subscribe form has one).
    def answer(response, email):
        return re.sub(rb'name="token" value="[^"]*"', b"", response.content.replace(email, b""))

    assert answer(known, b"known") == answer(unknown, b"nobody")
    mail_data_link.call("nobody@example.com")
    assert not OutgoingMail.objects.filter(to="nobody@example.com").exists()


def test_requests_for_the_data_link_are_limited(db, settings):
    settings.NOTIFICATIONS_REQUESTS_PER_ADDRESS = 2
    for _ in range(2):
        assert ask_for_data("ada@example.com").status_code == 200
    refused = ask_for_data("ada@example.com")
    assertContains(refused, "Too many requests for mail", status_code=429)
    assert refused["Retry-After"] == str(settings.NOTIFICATIONS_REQUEST_WINDOW_SECONDS)


def test_the_export_holds_every_comment_of_the_address(db):
    post = PostFactory(title="On tensors")
    mine = [
        CommentFactory(post=post, email="ada@example.com", status=status, body=f"Mine {status}")
        for status in ["approved", "pending", "spam", "rejected"]
    ]
    CommentFactory(post=post, email="ADA@Example.com", body="Mine in capitals")
    CommentFactory(post=post, email="other@example.com", body="Not mine")
    path = data_link("ada@example.com")
    page = Client().get(path)
    assertContains(page, "Mine pending")
    response = Client().post(path, {"action": "download"})
    assert response["Content-Disposition"] == 'attachment; filename="my-comments.json"'
    exported = json.loads(response.content)
    assert sorted(c["text"] for c in exported["comments"]) == sorted(
        [c.body for c in mine] + ["Mine in capitals"]
    )
    assert {c["ip_address"] for c in exported["comments"]} == {"192.0.2.10"}


def test_erasing_leaves_no_personal_field_of_the_address(db):
    post = PostFactory()
    lone = CommentFactory(post=post, email="ada@example.com", body="Alone")
    answered = CommentFactory(post=post, email="ada@example.com", body="Answered", user_agent="UA")
    CommentFactory(post=post, parent=answered, status="approved", body="The answer")
    address = Address.objects.create(email="ada@example.com", confirmed_at=timezone.now())
    Subscription.objects.create(address=address, post=post, active_since=timezone.now())
    Ban.objects.create(kind="email", value="ada@example.com")
    path = data_link("ada@example.com")

    response = Client().post(path, {"action": "delete"})
    assertContains(response, "Your data is deleted")
    assert not Comment.objects.filter(pk=lone.pk).exists()
    answered.refresh_from_db()
    assert answered.deleted_at is not None
    personal = Q(email__icontains="ada") | Q(name__icontains="ada") | Q(user_agent="UA")
    assert not Comment.objects.filter(personal).exists()
    assert not Comment.objects.filter(pk=answered.pk, ip_address__isnull=False).exists()
    assert not Address.objects.exists() and not Subscription.objects.exists()
    [ban] = Ban.objects.all()
    assert "ada" not in ban.value and ban.covers("ada@example.com", None)  # still banned
    assert not MailRequest.objects.filter(address_digest__icontains="ada").exists()
    again = Client().get(path)
    assertContains(again, "Link not valid", status_code=400)  # the link ends with the data


def test_undo_never_publishes_text_no_moderator_read(client, published, moderator):
    """Approved, then marked spam: its writer cannot edit it; and an undo after an edit (made
    while it was approved) puts it back in the queue, not on the page."""
    edit(client, published, ORIGINAL + " Added after approval, quite a lot of new words.")
    published.refresh_from_db()
    assert published.status == "pending"
    moderate(Comment.objects.filter(pk=published.pk), "spam", moderator)
    assertContains(edit(client, published, "Sneaky"), "cannot be edited now", status_code=403)
    decision = published.decisions.first()
    undo(decision, moderator)
    published.refresh_from_db()
    assert published.status == "pending"


def test_only_the_latest_decision_can_be_undone(db, moderator):
    comment = CommentFactory(status="pending")
    for status in ["spam", "approved"]:
        moderate(Comment.objects.filter(pk=comment.pk), status, moderator)
    first, latest = comment.decisions.order_by("decided_at", "pk")
    with pytest.raises(TooLateToUndo):
        undo(first, moderator)
    undo(latest, moderator)
    comment.refresh_from_db()
    assert comment.status == "spam"


def test_changing_a_links_target_is_not_a_small_edit(send_comment, client, db):
    send_comment(body="See https://example.com/guide for more.")
    comment = Comment.objects.get()
    moderate(Comment.objects.filter(pk=comment.pk), "approved", StaffFactory())
    edit(client, comment, "See https://evil.example/guide for more.")
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_deleting_a_comment_with_only_a_pending_reply_keeps_the_reply(client, published):
    reply = CommentFactory(post=published.post, parent=published, status="pending")
    client.post(reverse("comments:delete", args=[published.pk]))
    assert Comment.objects.filter(pk=reply.pk).exists()
    published.refresh_from_db()
    assert published.deleted_at is not None


def own_comments_list(page) -> str:
    """The writer's "Your published comments here" list on a post page."""
    html = page.content.decode()
    start = html.index('<section class="own-comments"')
    return html[start : html.index("</section>", start)]


def test_each_of_the_writers_published_comments_is_told_apart_by_its_text(
    client, send_comment, post
):
    """Two comments of the same minute: each entry of the writer's own list shows the start of
    its text, and its links say, to a screen reader too, which comment they open, edit or
    delete (not "Edit, Delete, Edit, Delete")."""
    long = "Second thought:   momentum\nmatters more than the learning rate, " + "really " * 20
    for body in ["First thought: use a smaller learning rate.", long]:
        send_comment(body=body)
    moderate(Comment.objects.all(), "approved", StaffFactory())
    first, second = Comment.objects.order_by("pk")
    excerpt = "Second thought: momentum matters more than the learning rat…"
    assert (first.excerpt, second.excerpt) == (first.body, excerpt)

    mine = own_comments_list(client.get(post.get_absolute_url()))
    for comment in (first, second):
        assert f'<q class="own-comment-excerpt" dir="auto">{comment.excerpt}</q>' in mine
    names = [link.name for link in links_in(mine)]
    assert names == [
        name
        for comment in (first, second)
        for name in (
            f"Your comment of {comment.created_at:%B} {comment.created_at.day}, "
            f"{comment.created_at:%H:%M}: {comment.excerpt}",
            f"Edit your comment “{comment.excerpt}”",
            f"Delete your comment “{comment.excerpt}”",
        )
    ]
