"""Receiving webmentions: the endpoint's answers, verification against a real loopback server,
what a moderator sees and what readers see once approved."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from tests.support.factories import PostFactory
from tests.support.inert_html import active_content
from tests.support.pages import Page
from webmentions import receiving
from webmentions.models import Receipt, Webmention

ENDPOINT = "/webmention/"
BAD_INPUTS = json.loads((Path(__file__).parents[1] / "data" / "bad_inputs.json").read_text())


def target_of(post) -> str:
    return f"http://testserver{post.get_absolute_url()}"


def entry(target: str, *, prop: str = "in-reply-to", text: str = "Great post, thanks!") -> str:
    return f"""<!doctype html><html><body>
    <article class="h-entry">
      <a class="p-author h-card" href="https://alice.example/">Alice Example</a>
      <a class="u-{prop}" href="{target}">the post</a>
      <div class="e-content">{escape(text)}</div>
    </article></body></html>"""


def send(client, source, target):
    return client.post(ENDPOINT, {"source": source, "target": target})


def receive_and_verify(client, django_capture_on_commit_callbacks, source, target):
    """Send the webmention and run the verification its answer queued, in this process."""
    with django_capture_on_commit_callbacks():
        response = send(client, source, target)
    assert response.status_code == 202, response.content
    mention = Webmention.objects.get(source=source)
    receiving.verify(mention.pk, "127.0.0.1")
    mention.refresh_from_db()
    return mention


@pytest.mark.django_db
def test_post_page_advertises_the_endpoint_in_header_and_head(client, post):
    response = client.get(post.get_absolute_url())
    endpoint = "http://testserver" + reverse("webmentions:endpoint")
    assert response.headers["Link"] == f'<{endpoint}>; rel="webmention"'
    assertContains(response, f'<link rel="webmention" href="{endpoint}">', html=True)


@pytest.mark.django_db
def test_a_target_that_is_not_a_post_is_refused_with_400_and_a_reason(client, post):
    response = send(client, "https://alice.example/reply", "http://testserver/search/")
    assert response.status_code == 400
    assert b"not a post of this site" in response.content
    assert not Webmention.objects.exists()


@pytest.mark.django_db
def test_a_draft_target_is_refused_with_400(client):
    draft = PostFactory(status="draft")
    response = send(client, "https://alice.example/reply", target_of(draft))
    assert response.status_code == 400
    assert b"not a published post" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("", b"source is missing"),
        ("ftp://alice.example/reply", b"http or https"),
        ("javascript:alert(1)", b"http or https"),
        ("http://[::1/reply", b"http or https"),
        # Hosts no DNS name can be: longer than 253 characters, or a label over 63.
        (f"http://{'a' * 300}/reply", b"no valid host name"),
        (f"http://{'a' * 64}.{'b' * 250}.example/reply", b"no valid host name"),
        (f"http://{'a' * 64}.example/reply", b"no valid host name"),
    ],
)
def test_a_bad_source_is_refused_with_400(client, post, source, reason):
    response = send(client, source, target_of(post))
    assert response.status_code == 400
    assert reason in response.content


@pytest.mark.django_db
def test_source_equal_to_target_is_refused(client, post):
    response = send(client, target_of(post), target_of(post))
    assert response.status_code == 400
    assert b"same page" in response.content


@pytest.mark.django_db
def test_a_webmention_is_accepted_with_202_and_a_status_page(
    client, post, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = send(client, "https://alice.example/reply", target_of(post))
    assert response.status_code == 202
    assert len(callbacks) == 1  # the verification, queued once committed
    status = client.get(response.headers["Location"])
    assertContains(status, "Waiting for verification")


@pytest.mark.django_db
def test_status_pages_cannot_be_found_by_counting(client, post):
    """The status page's address is random: the ids of the mentions received, counted one by
    one, open nothing (they listed every source ever received)."""
    first = send(client, "https://alice.example/reply", target_of(post))
    second = send(client, "https://bob.example/reply", target_of(post))
    alice, bob = Webmention.objects.order_by("pk")
    for mention, response in ((alice, first), (bob, second)):
        assert response.headers["Location"].endswith(f"/webmention/{mention.status_token}/")
        assert client.get(f"/webmention/{mention.pk}/").status_code == 404
    assertContains(client.get(first.headers["Location"]), "alice.example")
    assertNotContains(client.get(first.headers["Location"]), "bob.example")
    assert client.get("/webmention/00000000-0000-4000-8000-000000000000/").status_code == 404


@pytest.mark.django_db
def test_the_status_page_names_the_post_only_while_it_is_public(client):
    post = PostFactory(title="Secret plans for next year")
    response = send(client, "https://alice.example/reply", target_of(post))
    assertContains(client.get(response.headers["Location"]), "Secret plans for next year")
    post.status = "draft"
    post.save()
    status = client.get(response.headers["Location"])
    assertNotContains(status, "Secret plans")
    assertNotContains(status, post.get_absolute_url())
    assertContains(status, "a post that is not public now")


@pytest.mark.django_db
def test_a_mention_stored_without_a_status_token_gets_a_random_one(post):
    """As rows of the release before, and rows its code inserts during a rolling deploy."""
    from django.db import connection

    with connection.cursor() as cursor:
        for n in range(2):
            cursor.execute(
                "INSERT INTO webmentions_webmention (source, target, post_id, kind, author_name,"
                " author_url, author_photo, content, status, status_reason, verification,"
                " verification_note, received_at) VALUES (%s, '', %s, 'mention', '', '', '', '',"
                " 'pending', '', 'queued', '', now())",
                [f"https://site{n}.example/", post.pk],
            )
    tokens = set(Webmention.objects.values_list("status_token", flat=True))
    assert len(tokens) == 2 and None not in tokens


@pytest.mark.django_db
def test_a_flood_from_one_source_domain_is_refused_with_429(client, post, settings):
    settings.WEBMENTIONS_LIMIT_PER_DOMAIN = 2
    for n in range(2):
        assert send(client, f"https://alice.example/{n}", target_of(post)).status_code == 202
    response = send(client, "https://alice.example/3", target_of(post))
    assert response.status_code == 429
    assert Receipt.objects.count() == 2


@pytest.mark.django_db
def test_a_flood_from_one_address_is_refused_with_429(client, post, settings):
    settings.WEBMENTIONS_LIMIT_PER_ADDRESS = 2
    for n in range(2):
        assert send(client, f"https://site{n}.example/", target_of(post)).status_code == 202
    assert send(client, "https://other.example/", target_of(post)).status_code == 429


@pytest.mark.django_db
def test_subdomains_of_one_registrable_domain_share_the_domain_count(client, post, settings):
    """`a.example.co.uk` and `b.example.co.uk` are one owner's (the Public Suffix List)."""
    settings.WEBMENTIONS_LIMIT_PER_DOMAIN = 2
    assert send(client, "https://a.example.co.uk/1", target_of(post)).status_code == 202
    assert send(client, "https://b.example.co.uk/2", target_of(post)).status_code == 202
    assert send(client, "https://c.b.example.co.uk/3", target_of(post)).status_code == 429
    # Blogs on a shared host are their owners' own (github.io is a public suffix).
    assert send(client, "https://other.example.org/", target_of(post)).status_code == 202
    assert send(client, "https://ada.github.io/", target_of(post)).status_code == 202
    assert send(client, "https://grace.github.io/", target_of(post)).status_code == 202
    assert send(client, "https://alan.github.io/", target_of(post)).status_code == 202


@pytest.mark.django_db
def test_two_ipv6_senders_of_one_64_share_the_address_count(client, post, settings):
    settings.WEBMENTIONS_LIMIT_PER_ADDRESS = 2
    for n, ip in enumerate(["2001:db8:5:6::1", "2001:db8:5:6::2", "2001:db8:5:6:1::3"]):
        answer = client.post(
            ENDPOINT,
            {"source": f"https://site{n}.example/", "target": target_of(post)},
            REMOTE_ADDR=ip,
        )
        assert answer.status_code == (202 if n < 2 else 429)


@pytest.mark.django_db
def test_a_reply_is_verified_and_waits_for_the_moderators(
    client, post, other_site, django_capture_on_commit_callbacks
):
    other_site.pages["/reply"] = Page(entry(target_of(post)))
    mention = receive_and_verify(
        client, django_capture_on_commit_callbacks, other_site.url("/reply"), target_of(post)
    )
    assert mention.verification == Webmention.Verification.VERIFIED
    assert (mention.kind, mention.status) == ("reply", "pending")
    assert (mention.author_name, mention.author_url) == ("Alice Example", "https://alice.example/")
    assert mention.content == "Great post, thanks!"
    assert "webmentions" in other_site.received[0].headers["User-Agent"]
    assertNotContains(client.get(post.get_absolute_url()), "Great post, thanks!")


@pytest.mark.django_db
def test_an_approved_reply_and_like_show_in_the_discussion(
    client, post, other_site, django_capture_on_commit_callbacks
):
    other_site.pages["/reply"] = Page(entry(target_of(post)))
    other_site.pages["/like"] = Page(entry(target_of(post), prop="like-of", text=""))
    for path in ("/reply", "/like"):
        receive_and_verify(
            client, django_capture_on_commit_callbacks, other_site.url(path), target_of(post)
        )
    Webmention.objects.update(status=Webmention.Status.APPROVED)
    page = client.get(post.get_absolute_url())
    assertContains(
        page,
        f'Alice Example replied on <a href="{other_site.url("/reply")}" rel="nofollow ugc">'
        "127.0.0.1</a>",
    )
    assertContains(page, "1 like: Alice Example")


@pytest.mark.django_db
def test_a_source_that_does_not_link_to_the_target_is_refused(
    client, post, other_site, django_capture_on_commit_callbacks
):
    other_site.pages["/elsewhere"] = Page(entry("https://another.example/post"))
    mention = receive_and_verify(
        client, django_capture_on_commit_callbacks, other_site.url("/elsewhere"), target_of(post)
    )
    assert mention.verification == Webmention.Verification.FAILED
    assert "does not link" in mention.verification_note
    assert not Webmention.objects.pending().exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "deletion", [Page("Gone", 410), Page("<p>This reply was edited away.</p>")]
)
def test_a_source_that_is_gone_or_no_longer_links_takes_its_mention_down(
    client, post, other_site, django_capture_on_commit_callbacks, deletion
):
    other_site.pages["/reply"] = Page(entry(target_of(post)))
    source = other_site.url("/reply")
    receive_and_verify(client, django_capture_on_commit_callbacks, source, target_of(post))
    Webmention.objects.update(status=Webmention.Status.APPROVED)
    assertContains(client.get(post.get_absolute_url()), "Great post, thanks!")
    other_site.pages["/reply"] = deletion
    mention = receive_and_verify(
        client, django_capture_on_commit_callbacks, source, target_of(post)
    )
    assert mention.status == Webmention.Status.GONE
    assert Webmention.objects.count() == 1
    assertNotContains(client.get(post.get_absolute_url()), "Great post, thanks!")


@pytest.mark.django_db
def test_a_resent_webmention_updates_the_stored_one_and_waits_again(
    client, post, other_site, django_capture_on_commit_callbacks
):
    other_site.pages["/reply"] = Page(entry(target_of(post)))
    source = other_site.url("/reply")
    receive_and_verify(client, django_capture_on_commit_callbacks, source, target_of(post))
    Webmention.objects.update(status=Webmention.Status.APPROVED)
    other_site.pages["/reply"] = Page(entry(target_of(post), text="Edited: even better."))
    mention = receive_and_verify(
        client, django_capture_on_commit_callbacks, source, target_of(post)
    )
    assert (mention.content, mention.status) == ("Edited: even better.", "pending")
    assert Webmention.objects.count() == 1


@pytest.mark.django_db
def test_a_banned_address_files_the_mention_as_spam(
    client, post, other_site, moderator, django_capture_on_commit_callbacks
):
    from comments.models import Ban

    Ban.objects.create(kind=Ban.Kind.NETWORK, value="127.0.0.0/8", created_by=moderator)
    other_site.pages["/reply"] = Page(entry(target_of(post)))
    mention = receive_and_verify(
        client, django_capture_on_commit_callbacks, other_site.url("/reply"), target_of(post)
    )
    assert mention.status == Webmention.Status.SPAM


@pytest.mark.django_db
def test_a_spam_word_files_the_mention_as_spam(
    client, post, other_site, settings, django_capture_on_commit_callbacks
):
    settings.COMMENTS_SPAM_WORDS = ["casino"]
    other_site.pages["/reply"] = Page(entry(target_of(post), text="Best casino in town"))
    mention = receive_and_verify(
        client, django_capture_on_commit_callbacks, other_site.url("/reply"), target_of(post)
    )
    assert mention.status == Webmention.Status.SPAM
    assert "casino" in mention.status_reason


@pytest.mark.django_db
@pytest.mark.parametrize("bad", BAD_INPUTS, ids=[bad["why"] for bad in BAD_INPUTS])
def test_an_approved_reply_renders_the_hostile_corpus_inert(
    client, post, other_site, django_capture_on_commit_callbacks, bad
):
    # The link first: an unclosed tag of the corpus may swallow what follows it.
    raw = f"""<article class="h-entry"><a class="u-in-reply-to" href="{target_of(post)}">re</a>
    <a class="p-author h-card" href="/">{bad["input"]}</a>
    <div class="e-content">{bad["input"]}</div></article>"""
    other_site.pages["/reply"] = Page(raw)
    mention = receive_and_verify(
        client, django_capture_on_commit_callbacks, other_site.url("/reply"), target_of(post)
    )
    Webmention.objects.filter(pk=mention.pk).update(status=Webmention.Status.APPROVED)
    html = client.get(post.get_absolute_url()).content.decode()
    start = html.find('<section class="webmentions"')
    assert start != -1, "the approved reply is shown"
    section = html[start : html.find("</section>", start)]
    assert active_content(section) == []


@pytest.mark.django_db
def test_a_refused_flood_says_when_to_try_again_by_the_limits_window(client, post, settings):
    """One 429 for every limit (ops.rate_limits): Retry-After is the window it counts in."""
    settings.WEBMENTIONS_LIMIT_PER_DOMAIN = 1
    settings.WEBMENTIONS_WINDOW_SECONDS = 1200
    assert send(client, "https://alice.example/1", target_of(post)).status_code == 202
    refused = send(client, "https://alice.example/2", target_of(post))
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1200"
    assert "Too many webmentions from this address or site" in refused.text
