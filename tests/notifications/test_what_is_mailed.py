"""Who is mailed about what, through the real worker and SMTP server: only approved comments,
only to confirmed addresses, comments approved together in one mail."""

from django.conf import settings
from django.urls import reverse

from comments.models import Comment
from comments.services import moderate
from notifications.forms import token_scope
from notifications.models import Subscription
from notifications.tasks import announce
from ops import form_tokens
from ops.models import OutgoingMail
from tests.support.comments import comment_url, form_data
from tests.support.factories import CommentFactory, PostFactory
from tests.support.mail import subject_of, subscribed, text_of

ADA = "ada@example.com"  # started the thread
FAY = "fay@example.com"  # follows the whole post
SAM = "sam@example.com"  # a spammer


def send_comment(client, post, *, address, **fields):
    """The comment form sent from the visitor's address `address`; answered 303."""
    response = client.post(comment_url(post), form_data(post, **fields), REMOTE_ADDR=address)
    assert response.status_code == 303, response.content.decode()[:2000]
    return Comment.objects.latest("pk")


def test_a_spam_reply_and_a_pending_reply_send_nothing_until_a_moderator_approves(
    client, mail, moderator
):
    post = PostFactory(title="On compilers")
    first = CommentFactory(post=post, name="Ada", email=ADA, body="Where do I start?")
    subscribed(ADA, post, thread=first)
    subscribed(FAY, post)

    spam = send_comment(
        client, post, address="192.0.2.1", name="Sam", email=SAM, body="Cheap pills here",
        honeypot="I am a bot", parent=first.pk, notify_writer="on",
    )  # fmt: skip
    pending = send_comment(
        client, post, address="192.0.2.2", name="Bea", email="bea@example.com",
        body="Start with the dragon book.", parent=first.pk,
    )  # fmt: skip
    assert (spam.status, pending.status) == ("spam", "pending")
    moderate(Comment.objects.filter(pk=spam.pk), Comment.Status.SPAM, moderator)
    mail.drain()
    assert mail.to(ADA) == [] and mail.to(FAY) == []
    assert mail.to(SAM) == []  # a spammer's ticked box sends not even a confirmation

    # Once approved, the reply reaches both, and the spam never does.
    moderate(Comment.objects.filter(pk=pending.pk), Comment.Status.APPROVED, moderator)
    [to_ada] = mail.wait_for(ADA)
    [to_fay] = mail.wait_for(FAY)
    for message in (to_ada, to_fay):
        assert "Start with the dragon book." in text_of(message)
        assert "Cheap pills" not in text_of(message)
    mail.drain()
    assert len(mail.to(ADA)) == len(mail.to(FAY)) == 1


def test_an_unconfirmed_address_receives_its_one_confirmation_and_nothing_else(
    client, mail, moderator
):
    post = PostFactory(title="On parsers")
    subscribed(FAY, post)  # confirmed: shows that the comments below were announced

    # Ada ticks the box on her comment, then also follows the post: one confirmation in all.
    own = send_comment(
        client, post, address="192.0.2.3", name="Ada", email=ADA, body="My question",
        notify_writer="on",
    )  # fmt: skip
    follow = client.post(
        reverse("notifications:follow", args=[post.slug]),
        {"email": ADA, "token": form_tokens.issue(token_scope(post))},
        REMOTE_ADDR="192.0.2.3",
    )
    assert follow.status_code == 303
    [confirmation] = mail.wait_for(ADA)
    assert subject_of(confirmation) == f"Confirm your address for {settings.BLOG_TITLE}"

    # Her comment is approved and replied to; she has not confirmed, so she hears nothing.
    moderate(Comment.objects.filter(pk=own.pk), Comment.Status.APPROVED, moderator)
    reply = send_comment(
        client, post, address="192.0.2.4", name="Bea", email="bea@example.com",
        body="Here is an answer", parent=own.pk,
    )  # fmt: skip
    moderate(Comment.objects.filter(pk=reply.pk), Comment.Status.APPROVED, moderator)
    mail.wait_for(FAY, 2)
    mail.drain()
    assert mail.to(ADA) == [confirmation]
    assert not Subscription.objects.active().filter(address__email=ADA).exists()
    assert Subscription.objects.filter(address__email=ADA).count() == 2  # thread and post


def test_replies_approved_together_make_one_mail_and_never_tell_a_writer_of_their_own(
    mail, moderator
):
    post = PostFactory(title="On type systems")
    first = CommentFactory(post=post, name="Ada", email=ADA, body="Static or dynamic?")
    subscribed(ADA, post, thread=first)
    subscribed("bea@example.com", post, thread=first)  # Bea writes one of the replies
    replies = [
        CommentFactory(
            post=post, parent=first, name="Bea", email="bea@example.com",
            body="Static, for big programs.", status="pending",
        ),
        CommentFactory(
            post=post, parent=first, name="Cy", email="cy@example.com",
            body="Dynamic, for scripts.", status="pending",
        ),
    ]  # fmt: skip

    count = moderate(
        Comment.objects.filter(pk__in=[reply.pk for reply in replies]),
        Comment.Status.APPROVED,
        moderator,
    )
    assert count == 2
    [to_ada] = mail.wait_for(ADA)
    [to_bea] = mail.wait_for("bea@example.com")
    mail.drain()
    assert len(mail.to(ADA)) == 1 and len(mail.to("bea@example.com")) == 1
    assert subject_of(to_ada) == "2 new replies in a discussion on “On type systems”"
    text = text_of(to_ada)
    assert "Bea wrote in reply to Ada:\n\nStatic, for big programs." in text
    assert "Cy wrote in reply to Ada:\n\nDynamic, for scripts." in text
    assert text.index("Static, for big") < text.index("Dynamic, for scripts")
    assert subject_of(to_bea) == "A new reply in a discussion on “On type systems”"
    assert "Dynamic, for scripts." in text_of(to_bea)
    assert "Static, for big programs." not in text_of(to_bea)


def test_a_reply_in_a_thread_whose_first_comment_was_then_marked_spam_mails_none_of_its_text(
    db, moderator
):
    """Notification mail holds only what a moderator approves: once the thread's first comment
    is marked spam, a reply approved later must not carry its writer's name (or anything of it)."""
    post = PostFactory(title="On spam")
    first = CommentFactory(post=post, name="Cheap pills at pills.example", email=SAM)
    subscribed("bea@example.com", post, thread=first)
    subscribed(FAY, post)
    reply = CommentFactory(
        post=post, parent=first, name="Cy", email="cy@example.com", body="Is this real?",
        status="pending",
    )  # fmt: skip
    moderate(Comment.objects.filter(pk=first.pk), Comment.Status.SPAM, moderator)
    moderate(Comment.objects.filter(pk=reply.pk), Comment.Status.APPROVED, moderator)
    announce.call([reply.pk])  # what the worker does once the approval is committed
    for mail in OutgoingMail.objects.all():
        assert "pills" not in mail.body_text and "pills" not in mail.body_html, mail.to


def test_a_post_with_a_line_break_in_its_title_still_has_its_mail_sent(client, mail, moderator):
    """A title is one line in a subject (a line break in a header would stop every mail)."""
    post = PostFactory(title="On\ncompilers,\r\n\tpart two")  # as an old import stored it
    subscribed(FAY, post)
    pending = send_comment(
        client, post, address="192.0.2.9", name="Bea", email="bea@example.com",
        body="Start with the dragon book.",
    )  # fmt: skip
    [notice] = mail.wait_for(moderator.email)  # moderator@example.com
    assert subject_of(notice) == "Comment awaiting moderation on “On compilers, part two”"
    moderate(Comment.objects.filter(pk=pending.pk), Comment.Status.APPROVED, moderator)
    [to_fay] = mail.wait_for(FAY)
    assert subject_of(to_fay) == "A new comment on “On compilers, part two”"
    mail.drain()
    assert not OutgoingMail.objects.filter(sent_at=None).exists()
