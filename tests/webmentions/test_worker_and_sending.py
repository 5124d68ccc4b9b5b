"""Through the real task worker: a received webmention verified, and ours sent for a post's
links, each to a real loopback server standing for the other site."""

import os
import subprocess
import sys

import pytest

from tests.support.factories import PostFactory
from tests.support.pages import Page
from tests.support.servers import PROJECT_DIR
from tests.support.web import until
from webmentions import sending
from webmentions.models import SentWebmention, Webmention

ACCEPTED = Page("Accepted", 202, {"Content-Type": "text/plain"})


def test_the_worker_verifies_a_received_reply(client, mail, other_site):
    post = PostFactory()
    target = f"http://testserver{post.get_absolute_url()}"
    other_site.pages["/reply"] = Page(
        f'<div class="h-entry"><a class="u-in-reply-to" href="{target}">re</a>'
        '<p class="e-content">Seen from the worker.</p></div>'
    )
    response = client.post("/webmention/", {"source": other_site.url("/reply"), "target": target})
    assert response.status_code == 202
    until(lambda: Webmention.objects.pending().exists(), "the worker to verify the mention")
    assert Webmention.objects.get().content == "Seen from the worker."


def test_publishing_a_post_sends_a_webmention_to_each_linked_endpoint(mail, other_site):
    other_site.pages["/article"] = Page(
        "<p>An article.</p>",
        headers={"Content-Type": "text/html", "Link": '</endpoint>; rel="webmention"'},
    )
    other_site.pages["/endpoint"] = ACCEPTED
    post = PostFactory(body=f"See [their article]({other_site.url('/article')}).")
    until(
        lambda: any(r.method == "POST" for r in other_site.received),
        "the worker to send the webmention",
    )
    [sent_request] = [r for r in other_site.received if r.method == "POST"]
    assert sent_request.path == "/endpoint"
    assert sent_request.form["target"] == other_site.url("/article")
    assert sent_request.form["source"].endswith(post.get_absolute_url())
    until(
        lambda: SentWebmention.objects.filter(status=SentWebmention.Status.SENT).exists(),
        "the result to be recorded",
    )
    sent = SentWebmention.objects.get()
    assert (sent.endpoint, sent.response_code, sent.attempts) == (
        other_site.url("/endpoint"),
        202,
        1,
    )


@pytest.mark.django_db
def test_an_endpoint_in_a_link_element_is_found_relative_to_the_page(other_site):
    other_site.pages["/blog/entry"] = Page(
        '<html><head><link rel="webmention" href="../mentions?x=1"></head></html>'
    )
    endpoint, status = sending.discover(other_site.url("/blog/entry"))
    assert (endpoint, status) == (other_site.url("/mentions?x=1"), 200)


@pytest.mark.django_db
def test_a_failed_send_is_retried_later_and_then_given_up(other_site, settings):
    settings.WEBMENTIONS_SEND_ATTEMPTS = 2
    other_site.pages["/article"] = Page('<a rel="webmention" href="/endpoint">mentions</a>')
    other_site.pages["/endpoint"] = Page("Broken", 500)
    post = PostFactory(body=f"[Theirs]({other_site.url('/article')})")
    sent = SentWebmention.objects.create(post=post, target=other_site.url("/article"))
    sending.send_one(sent.pk)
    sent.refresh_from_db()
    assert (sent.status, sent.response_code, sent.attempts) == ("failed", 500, 1)
    assert sent.next_attempt_at is not None
    sending.send_one(sent.pk)
    sent.refresh_from_db()
    assert (sent.status, sent.attempts, sent.next_attempt_at) == ("gave-up", 2, None)


@pytest.mark.django_db
def test_links_to_this_site_get_no_webmention(settings):
    post = PostFactory(
        body=f"[Ours]({settings.SITE_URL}/posts/x/) and [theirs](https://example.org/a#b)"
    )
    assert sending.external_links(post) == ["https://example.org/a"]


@pytest.mark.parametrize(
    ("headers", "endpoint"),
    [
        (['</endpoint>; rel="webmention"'], "/endpoint"),
        (['<https://a.example/x>; rel="other", </wm>; rel="webmention"'], "/wm"),
        (["<a>; rel=webmention"], "a"),
        (['<a> rel="webmention"', '<<b>; rel="me webmention"'], "<b"),
        (['</x>; rel="me"', "<unclosed; rel=webmention"], None),
    ],
)
def test_the_endpoint_is_read_from_the_link_headers(headers, endpoint):
    assert sending.endpoint_in_headers(headers) == endpoint


def test_link_headers_full_of_angle_brackets_are_read_in_linear_time():
    """A response may carry 100 Link headers of 64 KiB: of "<" they cost seconds each to a
    backtracking pattern. Read in a process of its own, with a ceiling far above what the
    linear reading costs (starting Django is most of it)."""
    code = (
        "import django; django.setup()\n"
        "from webmentions.sending import endpoint_in_headers\n"
        "print(endpoint_in_headers(['<' * 65536] * 100))\n"
    )
    result = subprocess.run(  # noqa: S603 (our own code, fixed arguments)
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout == "None\n", result.stderr
