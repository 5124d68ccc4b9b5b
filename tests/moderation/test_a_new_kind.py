"""A new source of replies joins moderation by registering, with no edit to `moderation/`: its
items get the verdict (bans, anti-spam rules), the moderators' queue and count, the decision
log with undo, and the moderators' mail with decision links.

The kind here stands for the fediverse replies to come: a model of this test module, its table
made for each test and dropped after, registered only while a test runs."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

import moderation
from moderation import Moderator, Status, checks, decisions, mail, verdict
from moderation.admin import spam_pending_of
from moderation.models import Ban, ModerationDecision
from moderation.spam_rules import Submission
from ops.addresses import identity
from tests.support.factories import PostFactory
from tests.support.mail import subject_of, text_of

MODERATOR_ADDRESS = "moderator@example.com"


class Reply(models.Model):
    """A reply to a post from elsewhere, as a future source app would keep it."""

    post = models.ForeignKey("blog.Post", on_delete=models.CASCADE, related_name="+")
    author = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    identity = models.TextField(null=True, blank=True)  # noqa: DJ001 (as Comment.identity)
    ip_address = models.GenericIPAddressField(null=True)
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason_code = models.CharField(max_length=40, blank=True)
    reason_detail = models.CharField(max_length=200, blank=True)
    status_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "tests"
        db_table = "tests_moderated_reply"

    def __str__(self):
        return f"Reply by {self.author}"


class ReplyModerator(Moderator):
    noun = "reply"
    identity_field = "identity"
    client_address_field = "ip_address"

    def excerpt(self, reply) -> str:
        return reply.text

    def author(self, reply) -> str:
        return reply.author

    def ban_terms(self, reply) -> dict:
        return {**super().ban_terms(reply), "email": reply.email}

    def admin_url(self, reply) -> str:
        return reply.post.get_absolute_url()  # this kind has no admin page of its own


SHOWN = "status = ''approved''"
TRIGGERS = "".join(
    f"""CREATE TRIGGER tests_moderated_reply_{when} AFTER {when} ON tests_moderated_reply
    REFERENCING {tables} FOR EACH STATEMENT
    EXECUTE FUNCTION blog_mark_discussion_changed('post_id', '{SHOWN}');
"""
    for when, tables in [
        ("insert", "NEW TABLE AS new_rows"),
        ("update", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        ("delete", "OLD TABLE AS old_rows"),
    ]
)


@pytest.fixture
def reply_table(transactional_db):
    """The kind's table with the blog's discussion trigger, as its migrations would make it."""
    with connection.schema_editor() as editor:
        editor.create_model(Reply)
    yield
    with connection.schema_editor() as editor:
        editor.delete_model(Reply)
    ContentType.objects.clear_cache()  # its content type goes with the test's data


@pytest.fixture
def replies(reply_table):
    """The kind, registered as its app's AppConfig.ready would register it; unregistered after."""
    with connection.cursor() as cursor:
        cursor.execute(TRIGGERS)
    moderation.register(Reply, ReplyModerator)
    yield
    moderation.registry.unregister(Reply)


def receive(post, *, text, author="Ada", email="ada@example.com", ip_address="192.0.2.7"):
    """What the kind's own app does with a reply: judge it, keep it, tell the moderators."""
    judged = verdict.judge(
        Submission(author, email, text, ip_address=ip_address, kind="tests.reply")
    )
    reason = judged.reason
    with transaction.atomic():
        reply = Reply.objects.create(
            post=post,
            author=author,
            email=email,
            identity=identity(email),
            ip_address=ip_address,
            text=text,
            status=judged.status,
            status_reason=str(reason),
            **reason.fields(),
        )
        if reply.status == Status.PENDING:
            transaction.on_commit(lambda: mail.notify_moderators(reply))
    return reply


def test_the_system_check_asks_for_the_discussion_trigger_on_a_moderated_table(reply_table):
    moderation.register(Reply, ReplyModerator)
    try:
        [error] = checks.discussion_trigger(databases=["default"])
        assert error.id == "moderation.E001"
        assert "tests_moderated_reply is moderated but has no" in error.msg
        with connection.cursor() as cursor:
            cursor.execute(TRIGGERS)
        assert checks.discussion_trigger(databases=["default"]) == []
    finally:
        moderation.registry.unregister(Reply)


def test_approving_a_reply_changes_its_posts_page_version(replies, moderator):
    post = PostFactory()
    reply = receive(post, text="Shown once approved.")
    post.refresh_from_db()
    before = post.comments_changed_at
    decisions.decide_one(reply, Status.APPROVED, moderator)
    post.refresh_from_db()
    assert post.comments_changed_at is not None and post.comments_changed_at != before


def test_a_banned_writers_reply_is_spam_with_the_ban_as_its_reason(replies, moderator):
    Ban.objects.create(kind=Ban.Kind.EMAIL, value="ada@example.com", created_by=moderator)
    reply = receive(PostFactory(), text="Hello again.", email="Ada@Example.com")
    assert (reply.status, reply.reason_code, reply.reason_detail) == (
        "spam",
        "ban",
        "Email address: ada@example.com",
    )


def test_a_reply_with_spam_words_is_spam_with_the_rule_as_its_reason(replies, settings):
    settings.COMMENTS_SPAM_WORDS = ["casino"]
    reply = receive(PostFactory(), text="Best casino in town")
    assert (reply.status, reply.reason_code) == ("spam", "spam words")
    assert receive(PostFactory(), text="An occasional reply").status == "pending"


def test_a_new_ban_files_the_writers_pending_replies_as_spam(replies, moderator):
    reply = receive(PostFactory(), text="Waiting.", ip_address="203.0.113.9")
    ban = Ban.objects.create(kind=Ban.Kind.NETWORK, value="203.0.113.0/24", created_by=moderator)
    assert spam_pending_of(ban, moderator) == "1 pending reply"
    reply.refresh_from_db()
    assert (reply.status, reply.reason_code) == ("spam", "ban")
    [decision] = ModerationDecision.objects.of(reply)
    assert (decision.from_status, decision.to_status) == ("pending", "spam")


def test_a_pending_reply_is_counted_among_the_pending(replies, moderator_client):
    receive(PostFactory(), text="Counted with the others.")
    assert mail.pending_count() == 1
    assertContains(moderator_client.get(reverse("admin:index")), "1 pending")


def test_a_decision_on_a_reply_is_in_the_log_and_can_be_undone(
    replies, moderator, moderator_client
):
    reply = receive(PostFactory(), text="Decide on me.")
    decisions.decide_one(reply, Status.REJECTED, moderator)
    [decision] = ModerationDecision.objects.of(reply)
    assert (decision.moderator, decision.to_status) == (moderator, "rejected")
    log = moderator_client.get(reverse("admin:moderation_moderationdecision_changelist"))
    assertContains(log, "Decide on me.")
    undo = reverse("admin:moderation_moderationdecision_undo", args=[decision.pk])
    assertContains(moderator_client.post(undo, follow=True), "Undone: the reply is pending again.")
    reply.refresh_from_db()
    assert reply.status == "pending"


def test_moderators_are_mailed_about_a_pending_reply_with_links_that_decide(
    replies, mail, moderator, client
):
    moderator.email = MODERATOR_ADDRESS
    moderator.save()
    post = PostFactory(title="A post replied to from afar")
    reply = receive(post, text="Mail me to the moderators.")
    [message] = mail.wait_for(MODERATOR_ADDRESS)
    assert subject_of(message) == "Reply awaiting moderation on “A post replied to from afar”"
    assert "Mail me to the moderators." in text_of(message)
    [url] = re.findall(r"^Approve: (\S+)$", text_of(message), re.MULTILINE)
    link = urlsplit(url).path
    assertContains(client.get(link), "Approve this reply?")
    assertContains(client.post(link), "Reply approved")
    reply.refresh_from_db()
    assert reply.status == "approved"
    [decision] = ModerationDecision.objects.of(reply)
    assert (decision.moderator, decision.channel) == (moderator, "mail")


def test_a_pending_reply_is_in_the_queue_and_its_button_decides(replies, moderator_client):
    reply = receive(PostFactory(), text="Queued with every other kind.", author="Ada")
    queue = reverse("moderation:queue")
    page = moderator_client.get(queue)
    assertContains(page, "Queued with every other kind.")
    assertContains(page, 'aria-label="Spam the reply by Ada"')
    data = {"kind": "tests.reply", "pk": reply.pk, "decision": "spam"}
    moderator_client.post(queue, data)
    reply.refresh_from_db()
    assert reply.status == "spam"
    assert ModerationDecision.objects.of(reply).get().to_status == "spam"
