"""One identity per address (ops.addresses): a look-alike address (`victim@gmaıl.com`, with a
dotless ı, is the registrable domain xn--gmal-nza.com) is never the victim's, however SQL's
UPPER() or Python's lower() fold it; an address that cannot be given an identity is refused at
every form; and erasing an address finds its mail and tasks by identity, never a substring."""

import importlib
import json
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains, assertNotContains

from comments.models import Ban, Comment
from comments.services import is_trusted
from notifications import links, services
from notifications.forms import token_scope as follow_scope
from notifications.models import Address, NewPostSubscription, Subscription
from notifications.tasks import mail_data_link
from ops import form_tokens
from ops.addresses import NO_IDENTITY_MESSAGE
from ops.mail import send_later
from ops.models import OutgoingMail
from ops.one_way import legacy_digest
from tests.support.comments import comment_url, form_data
from tests.support.factories import CommentFactory, PostFactory

VICTIM = "victim@gmail.com"
LOOK_ALIKE = "victim@gma\u0131l.com"  # dotless ı: xn--gmal-nza.com, anyone may register it
NO_IDENTITY = "\u017f@example.com"  # long s: a look-alike of "s@" that only the local part holds


def data_link_path(email: str) -> str:
    """What the worker mails to `email` when it asks for its data: the link's path."""
    mail_data_link.call(email=email)
    [message] = OutgoingMail.objects.filter(to=email, subject__startswith="Your comments")
    [url] = [word for word in message.body_text.split() if "/your-data/" in word]
    return urlsplit(url).path


def test_a_look_alike_address_is_mailed_no_data_link_for_the_victims_comments(db):
    CommentFactory(email=VICTIM, body="The victim's words")
    mail_data_link.call(email=LOOK_ALIKE)
    assert not OutgoingMail.objects.exists()


def test_a_look_alikes_data_link_neither_lists_downloads_nor_erases_the_victims_comments(db):
    post = PostFactory()
    victims = CommentFactory(post=post, email=VICTIM, body="Words of the victim")
    CommentFactory(post=post, email=LOOK_ALIKE, body="Words of the look-alike")
    path = data_link_path(LOOK_ALIKE)

    page = Client().get(path)
    assertContains(page, "Words of the look-alike")
    assertNotContains(page, "Words of the victim")
    download = Client().post(path, {"action": "download"})
    exported = json.loads(download.content)
    assert [c["text"] for c in exported["comments"]] == ["Words of the look-alike"]
    Client().post(path, {"action": "delete"})
    assert Comment.objects.get(pk=victims.pk).body == "Words of the victim"
    assert not Comment.objects.filter(email=LOOK_ALIKE).exists()


def test_the_victims_address_typed_in_capitals_is_still_the_victim(db):
    post = PostFactory()
    CommentFactory(post=post, email=VICTIM, body="Written in lower case")
    CommentFactory(post=post, email="VICTIM@Gmail.COM", body="Written in capitals")
    path = data_link_path("Victim@GMAIL.com")
    exported = json.loads(Client().post(path, {"action": "download"}).content)
    assert sorted(c["text"] for c in exported["comments"]) == [
        "Written in capitals",
        "Written in lower case",
    ]
    assert is_trusted("VICTIM@Gmail.COM")


def confirmed_in(client: Client, email: str) -> Address:
    """`email` confirmed from `client`'s browser, as its owner does: the browser's signed mark."""
    address = Address.objects.create(email=email, confirmation_sent_at=timezone.now())
    client.post(urlsplit(links.confirm_url(address)).path)
    return address


def test_a_confirmed_look_alike_is_not_published_as_the_trusted_victim(db):
    post = PostFactory()
    CommentFactory(post=post, email=VICTIM, status="approved")
    attacker = Client()
    confirmed_in(attacker, LOOK_ALIKE)  # the attacker owns xn--gmal-nza.com: the mail arrives
    data = form_data(post, name="Victim", email=LOOK_ALIKE, body="Trust me, it is me.")
    attacker.post(comment_url(post), data, REMOTE_ADDR="198.51.100.20")
    assert Comment.objects.get(body="Trust me, it is me.").status == "pending"
    assert not is_trusted(LOOK_ALIKE)


def test_the_victim_confirmed_with_capitals_is_still_trusted(db):
    post = PostFactory()
    CommentFactory(post=post, email=VICTIM, status="approved")
    victim = Client()
    confirmed_in(victim, "Victim@Gmail.com")
    data = form_data(post, email="VICTIM@gmail.COM", body="Me again, at once.")
    victim.post(comment_url(post), data, REMOTE_ADDR="198.51.100.21")
    assert Comment.objects.get(body="Me again, at once.").status == "approved"


def test_the_admin_shows_no_look_alikes_comment_among_the_victims_other_comments(
    moderator_client,
):
    post = PostFactory()
    victims = CommentFactory(post=post, email=VICTIM, ip_address="192.0.2.1", body="First")
    CommentFactory(post=post, email="Victim@GMAIL.com", ip_address="192.0.2.2", body="Capitals")
    CommentFactory(post=post, email=LOOK_ALIKE, ip_address="192.0.2.3", body="Look-alike")
    page = moderator_client.get(reverse("admin:comments_comment_change", args=[victims.pk]))
    assertContains(page, "Capitals")
    assertNotContains(page, "Look-alike")


def banned(kind: str, value: str) -> Ban:
    ban = Ban(kind=kind, value=value)
    ban.full_clean(exclude=["created_by"])
    ban.save()
    return ban


def test_a_ban_on_the_victim_covers_the_victim_however_typed_and_never_the_look_alike(db):
    banned("email", "Victim@Gmail.com")
    assert Ban.objects.matching("VICTIM@gmail.COM", None)
    assert not Ban.objects.matching(LOOK_ALIKE, None)


def test_a_ban_on_the_look_alike_is_kept_as_its_identity_and_never_covers_the_victim(db):
    ban = banned("email", LOOK_ALIKE)
    assert ban.value == "victim@xn--gmal-nza.com"
    assert Ban.objects.matching(LOOK_ALIKE, None) == [ban]
    assert Ban.objects.matching("victim@xn--gmal-nza.com", None) == [ban]
    assert not Ban.objects.matching(VICTIM, None)


def test_a_domain_ban_on_the_look_alike_domain_covers_it_and_not_the_real_one(db):
    ban = banned("domain", "gma\u0131l.com")
    assert ban.value == "xn--gmal-nza.com"
    assert Ban.objects.matching(LOOK_ALIKE, None) == [ban]
    assert not Ban.objects.matching(VICTIM, None)


def test_a_ban_kept_as_the_previous_releases_digest_of_an_erased_address_still_holds(db):
    """Erased before this release: its digest was of the address lowercased as typed."""
    typed = "Ada@B\u00fccher.de"
    Ban.objects.create(kind="email", value=f"digest:{legacy_digest(typed)}")
    assert Ban.objects.matching(typed, None)
    assert not Ban.objects.matching("ada@example.com", None)


def test_an_address_with_no_identity_cannot_be_banned_and_says_why(moderator_client):
    response = moderator_client.post(
        reverse("admin:moderation_ban_add"), {"kind": "email", "value": NO_IDENTITY}
    )
    assertContains(response, NO_IDENTITY_MESSAGE)
    assert not Ban.objects.exists()


def test_the_comment_form_refuses_an_address_with_no_identity_and_keeps_the_text(db):
    post = PostFactory()
    data = form_data(post, email=NO_IDENTITY, body="Words I took a while to write.")
    response = Client().post(comment_url(post), data, REMOTE_ADDR="198.51.100.22")
    assertContains(response, NO_IDENTITY_MESSAGE, status_code=400)
    assertContains(response, "Words I took a while to write.", status_code=400)
    assert not Comment.objects.exists()


def address_form_answer(path: str, email: str, token: str):
    return Client().post(path, {"email": email, "token": token}, REMOTE_ADDR="198.51.100.23")


@pytest.mark.parametrize(
    "url_name, scope", [("notifications:your-data", "notifications.your-data"),
                        ("notifications:subscribe", "notifications.new-posts")],
)  # fmt: skip
def test_the_data_and_subscribe_forms_refuse_an_address_with_no_identity(db, url_name, scope):
    response = address_form_answer(reverse(url_name), NO_IDENTITY, form_tokens.issue(scope))
    assertContains(response, NO_IDENTITY_MESSAGE, status_code=400)
    assertContains(response, 'value="\u017f@example.com"', status_code=400)  # kept
    assert not DBTaskResult.objects.exists()


def test_the_follow_form_refuses_an_address_with_no_identity(db):
    post = PostFactory()
    path = reverse("notifications:follow", args=[post.slug])
    response = address_form_answer(path, NO_IDENTITY, form_tokens.issue(follow_scope(post)))
    assertContains(response, NO_IDENTITY_MESSAGE, status_code=400)
    assert not DBTaskResult.objects.exists()


def test_the_migration_merges_addresses_that_share_an_identity(db):
    """Told apart before (as typed, lowercased), one mailbox now: the earliest confirmed stays,
    with every subscription of both, duplicates dropped; no identity, null."""
    migration = importlib.import_module("notifications.migrations.0006_address_identity")
    first, second = PostFactory(), PostFactory()
    now = timezone.now()
    typed = Address.objects.create(email="ada@b\u00fccher.de", confirmed_at=now)
    encoded = Address.objects.create(
        email="ada@xn--bcher-kva.de", confirmed_at=now - timezone.timedelta(days=3)
    )
    unconfirmed = Address.objects.create(email="ADA@xn--bcher-kva.DE")
    unencodable = Address.objects.create(email=NO_IDENTITY)
    for address in (typed, encoded):
        Subscription.objects.create(address=address, post=first, active_since=now)
        NewPostSubscription.objects.create(address=address, active_since=now)
    Subscription.objects.create(address=typed, post=second, active_since=now)
    Subscription.objects.create(address=unconfirmed, post=second)
    Address.objects.update(identity=None)  # as the previous release left them

    then = MigrationLoader(connection).project_state(("notifications", "0006_address_identity"))
    migration.fill_and_merge(then.apps, None)

    [kept] = Address.objects.exclude(pk=unencodable.pk)
    assert (kept.pk, kept.identity) == (encoded.pk, "ada@xn--bcher-kva.de")
    assert sorted(s.post_id for s in kept.subscriptions.all()) == sorted([first.pk, second.pk])
    assert all(s.active_since for s in kept.subscriptions.all())
    assert NewPostSubscription.objects.get().address_id == kept.pk
    assert Address.objects.get(pk=unencodable.pk).identity is None


def test_the_migration_rewrites_bans_in_identity_form(db):
    migration = importlib.import_module("comments.migrations.0010_comment_identity")
    Ban.objects.create(kind="email", value="ada@b\u00fccher.de")
    Ban.objects.create(kind="email", value="ada@xn--bcher-kva.de")
    Ban.objects.create(kind="domain", value="gma\u0131l.com")
    # As the migration saw the models then (bans were the comments app's).
    then = MigrationLoader(connection).project_state(("comments", "0010_comment_identity"))
    migration.bans_in_identity_form(then.apps, None)
    assert sorted(Ban.objects.values_list("kind", "value")) == [
        ("domain", "xn--gmal-nza.com"),
        ("email", "ada@xn--bcher-kva.de"),
    ]


def test_erasing_an_address_leaves_the_mail_and_tasks_of_an_address_that_contains_it(db):
    """The owner of m@example.co erases their data: tom@example.com's unsent mail and queued
    requests, whose text holds "m@example.co", stay."""
    post = PostFactory()
    CommentFactory(post=post, email="m@example.co")
    toms = send_later(to="tom@example.com", subject="For Tom", text="Hello tom@example.com")
    about_tom = send_later(
        to="moderator@example.org",
        subject="Pending",
        text="tom@example.com wrote",
        about="tom@example.com",
    )
    services.request_mail(email="tom@example.com", post=post, ip_address=None, marks=[])
    services.request_data_link("tom@example.com", None)
    mine = send_later(to="M@Example.CO", subject="For m", text="Hello")
    services.request_data_link("m@example.co", None)
    toms_tasks = set(
        DBTaskResult.objects.filter(args_kwargs__icontains="tom@example.com").values_list(
            "pk", flat=True
        )
    )
    assert len(toms_tasks) == 2

    services.forget("m@example.co")

    assert set(OutgoingMail.objects.values_list("pk", flat=True)) >= {toms.pk, about_tom.pk}
    assert not OutgoingMail.objects.filter(pk=mine.pk).exists()
    queued = DBTaskResult.objects.filter(task_path__startswith="notifications.tasks.")
    assert set(queued.values_list("pk", flat=True)) == toms_tasks
