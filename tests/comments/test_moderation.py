"""Each anti-spam rule, through HTTP: what is stored, with which status and rule."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone
from pytest_django.asserts import assertContains

from comments.models import Comment
from ops.client_ip import client_ip
from tests.support.factories import CommentFactory

AWAITING = "Thank you: your comment is awaiting moderation and will appear once approved."


def stored():
    return Comment.objects.get()


def test_an_ordinary_comment_waits_for_a_moderator_with_no_rule(send_comment):
    send_comment()
    assert (stored().status, stored().status_reason) == ("pending", "")


def test_filling_the_honeypot_field_files_the_comment_as_spam(send_comment):
    response = send_comment(honeypot="https://spam.example")
    assert response.status_code == 303  # a bot learns nothing
    assert [str(m) for m in get_messages(response.wsgi_request)] == [AWAITING]
    assert stored().status == "spam"
    assert stored().status_reason == "honeypot: the hidden field was filled in"


def test_a_field_under_the_honeypots_old_name_is_ignored_and_the_comment_waits(send_comment):
    """The honeypot was called "website" two releases ago; that name is now no field at all."""
    assert send_comment(website="https://example.com").status_code == 303
    assert (stored().status, stored().status_reason) == ("pending", "")


def test_a_comment_sent_seconds_after_the_form_was_shown_is_spam(send_comment):
    assert send_comment(seconds_ago=1).status_code == 303
    assert stored().status == "spam"
    # The reason names the seconds it took; how many exactly depends on the machine's speed.
    assert stored().status_reason.startswith("too fast: sent ")


def test_a_comment_sent_after_a_few_seconds_is_not_too_fast(send_comment):
    send_comment(seconds_ago=4)
    assert stored().status == "pending"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("Visit my CASINO today", "spam"),
        ("casino.", "spam"),
        ("I buy Replica\nwatches", "spam"),
        ("An occasional casinos-free comment", "pending"),
        ("Occasionally I play", "pending"),
    ],
)
def test_spam_words_match_whole_words_only(send_comment, settings, body, status):
    settings.COMMENTS_SPAM_WORDS = ["casino", "replica watches"]
    send_comment(body=body)
    assert stored().status == status


def test_spam_words_in_the_name_count_too(send_comment, settings):
    settings.COMMENTS_SPAM_WORDS = ["viagra"]
    send_comment(name="Cheap Viagra")
    assert stored().status_reason == "spam words: contains “viagra”"


def test_more_links_than_allowed_is_spam_counting_bare_urls(send_comment, settings):
    settings.COMMENTS_MAX_LINKS = 2
    send_comment(body="[a](https://a.example) https://b.example <https://c.example>")
    assert stored().status == "spam"
    assert stored().status_reason == "too many links: 3 links, more than 2"


def test_as_many_links_as_allowed_waits_for_a_moderator(send_comment, settings):
    settings.COMMENTS_MAX_LINKS = 2
    send_comment(body="[a](https://a.example) and https://b.example")
    assert stored().status == "pending"


def test_ten_comments_in_a_row_from_one_address_store_three_and_refuse_the_rest(send_comment):
    statuses = [send_comment(body=f"Comment {n}").status_code for n in range(10)]
    assert statuses == [303] * 3 + [429] * 7
    assert Comment.objects.count() == 3


def test_the_flood_page_explains_and_keeps_the_text(send_comment, settings):
    settings.COMMENTS_FLOOD_LIMIT = 1
    send_comment()
    response = send_comment(body="Words worth keeping")
    assertContains(response, "You have sent 1 comments in the last 10 minutes", status_code=429)
    assertContains(response, "Words worth keeping", status_code=429)
    assert response["Retry-After"] == "600"


def test_spam_counts_towards_the_flood_limit(send_comment, settings):
    settings.COMMENTS_FLOOD_LIMIT = 2
    send_comment(honeypot="bot")
    send_comment(honeypot="bot")
    assert send_comment().status_code == 429


def test_the_flood_limit_counts_each_address_and_only_the_window(send_comment, settings):
    settings.COMMENTS_FLOOD_LIMIT = 1
    CommentFactory(ip_address="203.0.113.1", created_at=timezone.now() - timedelta(minutes=11))
    assert send_comment(address="203.0.113.1").status_code == 303
    assert send_comment(address="203.0.113.1").status_code == 429
    assert send_comment(address="203.0.113.2").status_code == 303


def test_two_ipv6_addresses_of_one_64_share_a_flood_count(send_comment, settings):
    """An IPv6 visitor holds a whole /64: changing the last bits is not another visitor."""
    settings.COMMENTS_FLOOD_LIMIT = 2
    assert send_comment(address="2001:db8:1:2::1").status_code == 303
    assert send_comment(address="2001:db8:1:2:aaaa::9").status_code == 303
    assert send_comment(address="2001:db8:1:2:ffff:ffff:ffff:ffff").status_code == 429
    assert send_comment(address="2001:db8:1:3::1").status_code == 303  # the next /64


def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.post("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.9"


def test_behind_one_proxy_the_reader_is_the_address_the_proxy_saw(rf, settings):
    """A reader can write anything into X-Forwarded-For; only what our proxy appended counts."""
    settings.TRUSTED_PROXY_COUNT = 1
    spoofed = rf.post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_ip(spoofed) == "203.0.113.9"
    direct = rf.post("/", REMOTE_ADDR="10.0.0.2")
    assert client_ip(direct) == "10.0.0.2"
    garbage = rf.post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_ip(garbage) == "10.0.0.2", "a malformed header falls back to the connection"


def test_behind_a_trusted_proxy_the_flood_limit_follows_the_reader(send_comment, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.COMMENTS_FLOOD_LIMIT = 1

    def through_proxy(reader):
        return send_comment(address="10.0.0.2", HTTP_X_FORWARDED_FOR=reader)

    assert through_proxy("203.0.113.1").status_code == 303
    assert through_proxy("203.0.113.2").status_code == 303
    assert through_proxy("203.0.113.1").status_code == 429
    assert set(Comment.objects.values_list("ip_address", flat=True)) == {
        "203.0.113.1",
        "203.0.113.2",
    }
