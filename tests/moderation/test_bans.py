"""A ban on a site covers its URLs however they are spelled, and a webmention with no author
URL is judged by the page that sent it."""

import pytest

from moderation.models import Ban
from webmentions.moderators import banned_url


def ban(kind, value) -> Ban:
    made = Ban(kind=kind, value=value)
    made.clean()
    made.save()
    return made


def covered(url: str) -> bool:
    return bool(Ban.objects.matching("", None, url=url))


@pytest.mark.django_db
def test_a_domain_ban_covers_the_site_however_its_host_is_spelled():
    ban(Ban.Kind.DOMAIN, "bücher.example")
    ban(Ban.Kind.DOMAIN, "www.spam.example")

    assert covered("https://www.bücher.example/me")
    assert covered("https://xn--bcher-kva.example/")
    assert covered("https://spam.example/post")
    assert covered("https://WWW.Spam.Example/post")
    assert not covered("https://books.example/")


@pytest.mark.django_db
def test_a_webmention_with_no_author_url_is_judged_by_the_page_that_sent_it():
    ban(Ban.Kind.DOMAIN, "spam.example")

    assert covered(banned_url("", "https://spam.example/reply"))
    assert covered(banned_url("https://spam.example/me", "https://elsewhere.example/reply"))
