"""The page cache in front of Django (ops/page_cache/), called in this process as a server
would: what it stores, for whom, under which key, and what it answers. Invalidation across real
workers and hosts is in tests/reliability/test_page_cache.py."""

import gzip
import logging
import re
import threading
import time
from urllib.parse import urlencode

import brotli
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.urls import reverse
from django.utils.html import escape

from comments.forms import token_scope
from ops import form_tokens
from ops.page_cache import PageCache, token_placeholder
from tests.support.factories import CommentFactory, PostFactory
from tests.support.wsgi import call, connections_kept

TOKEN = re.compile(r'name="token" value="([^"]+)"')
SIGNED = re.compile(r"[\w-]+:[\w-]+:[\w-]+")  # what django.core.signing.dumps writes
HOME = reverse("blog:post-list")


class CountingApp:
    """Django's WSGI application, counting the requests that reach it."""

    def __init__(self, application=None):
        self.application = application or WSGIHandler()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.application(environ, start_response)


def listening(application, max_bytes=8 * 1024 * 1024) -> PageCache:
    """A page cache around `application` that behaves as if its listener were connected."""
    cache = PageCache(application, enabled=True, max_bytes=max_bytes)
    cache.started = True  # no listener thread: the test says what changed
    cache.listening = True
    return cache


@pytest.fixture
def django_app():
    with connections_kept():
        yield CountingApp()


@pytest.fixture
def cache(django_app):
    return listening(django_app)


def stub(status="200 OK", headers=(), body=b"<p>page</p>"):
    """A WSGI application answering every request with the same response."""
    calls = []

    def application(environ, start_response):
        calls.append(environ)
        start_response(status, [("Content-Type", "text/html"), *headers])
        return [body]

    application.calls = calls
    return application


PUBLIC = ("Cache-Control", "public, max-age=60")


def test_a_hit_is_answered_without_django_and_without_a_query(
    cache, django_app, post, django_assert_num_queries
):
    url = post.get_absolute_url()
    first = call(cache, url)
    assert first.status == 200
    assert django_app.calls == 1

    with django_assert_num_queries(0):
        again = call(cache, url)
    assert django_app.calls == 1
    assert again.status == 200
    assert post.title in again.text
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["vary"] == "Cookie, Accept-Encoding"


@pytest.mark.parametrize(
    "url_name", ["blog:post-list", "blog:feed-rss", "blog:feed-atom", "ops:sitemap"]
)
def test_the_home_page_feeds_and_sitemap_are_cached_too(cache, django_app, post, url_name):
    call(cache, reverse(url_name))
    response = call(cache, reverse(url_name))
    assert response.status == 200
    assert django_app.calls == 1


def test_a_page_that_did_not_opt_in_is_never_cached(cache, django_app, post):
    call(cache, reverse("ops:robots-txt"))
    call(cache, reverse("ops:robots-txt"))
    assert django_app.calls == 2


def test_search_results_are_kept_under_the_query_with_its_spaces_normalised(
    cache, django_app, post
):
    search = reverse("blog:search")
    first = call(cache, search + "?q=" + post.title.split()[0])
    assert first.status == 200
    assert post.title in first.text
    again = call(cache, search + "?q=" + post.title.split()[0])
    assert (again.status, django_app.calls) == (200, 1)
    spaced = call(cache, search + "?q=%20%20two%20%20words%20&utm_source=x")
    assert (spaced.status, spaced.headers["location"]) == (301, search + "?q=two+words")
    paged = call(cache, search + "?page=2&q=two+words")
    assert (paged.status, paged.headers["location"]) == (301, search + "?q=two+words&page=2")


def test_a_search_refused_is_answered_400_and_never_kept(cache, django_app, post):
    search = reverse("blog:search") + "?q=a%00b"
    assert call(cache, search).status == 400
    assert call(cache, search).status == 400
    assert django_app.calls == 2


def test_search_results_follow_a_publication_at_once(cache, django_app, post):
    search = reverse("blog:search") + "?q=unmistakable"
    assert "No results for" in call(cache, search).text
    PostFactory(title="An unmistakable title")
    cache.changed(ask_schedule=False)  # what the listener does on PostgreSQL's NOTIFY
    assert "An unmistakable title" in call(cache, search).text


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"headers": {"Cookie": "sessionid=abc"}},
        {"headers": {"Authorization": "Basic dXNlcjpwYXNz"}},
        {"method": "POST"},
    ],
    ids=["cookie", "authorization", "post"],
)
def test_a_request_with_a_cookie_authorization_or_post_is_neither_stored_nor_served(
    request_kwargs,
):
    application = stub(headers=[PUBLIC])
    cache = listening(application)
    call(cache, HOME)  # stored for readers without cookies
    assert len(application.calls) == 1
    call(cache, HOME, **request_kwargs)
    call(cache, HOME, **request_kwargs)
    assert len(application.calls) == 3

    other = listening(stub(headers=[PUBLIC]))
    call(other, HOME, **request_kwargs)
    assert other.store.size == 0


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        ("404 Not Found", [PUBLIC]),
        ("301 Moved Permanently", [PUBLIC, ("Location", "/")]),
        ("200 OK", [PUBLIC, ("Set-Cookie", "own_comments=1; Path=/")]),
        ("200 OK", [("Cache-Control", "private, no-cache")]),
        ("200 OK", [("Cache-Control", "public, no-store")]),
        ("200 OK", []),
        ("200 OK", [PUBLIC, ("Content-Security-Policy", "script-src 'nonce-abc'")]),
    ],
    ids=["404", "301", "set-cookie", "private", "no-store", "no-cache-control", "nonce"],
)
def test_only_a_public_200_without_cookie_or_nonce_is_stored(status, headers):
    application = stub(status, headers)
    cache = listening(application)
    first = call(cache, HOME)
    call(cache, HOME)
    assert len(application.calls) == 2
    assert cache.store.size == 0
    assert first.status == int(status.split()[0])
    if "Set-Cookie" in dict(headers):
        assert "set-cookie" in first.headers  # passed on, just not stored


def test_a_host_django_refuses_never_reaches_the_store(cache, django_app, post):
    url = post.get_absolute_url()
    forged = call(cache, url, headers={"Host": "evil.example"})
    assert forged.status == 400
    assert cache.store.size == 0
    normal = call(cache, url)
    assert "evil.example" not in normal.text
    assert f'href="http://localhost{url}"' in normal.text


def test_forged_forwarded_headers_cannot_poison_the_store(cache, post):
    """X-Forwarded-Host is not trusted (USE_X_FORWARDED_HOST is off) and X-Forwarded-Proto only
    as SECURE_PROXY_SSL_HEADER says: the key holds the host and scheme Django itself uses."""
    url = post.get_absolute_url()
    call(cache, url, headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})
    normal = call(cache, url)
    assert "evil.example" not in normal.text
    assert "https://localhost" not in normal.text
    assert f'href="http://localhost{url}"' in normal.text


def test_the_scheme_behind_a_tls_proxy_is_part_of_the_key(settings, cache, django_app, post):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    url = post.get_absolute_url()
    plain = call(cache, url, headers={"X-Forwarded-Proto": "http"})
    secure = call(cache, url, headers={"X-Forwarded-Proto": "https"})
    assert django_app.calls == 2
    assert f'href="http://localhost{url}"' in plain.text
    assert f'href="https://localhost{url}"' in secure.text
    assert f'href="https://localhost{url}"' in call(cache, url, headers=FORWARDED_HTTPS).text
    assert django_app.calls == 2


FORWARDED_HTTPS = {"X-Forwarded-Proto": "https"}


def test_another_allowed_host_has_pages_of_its_own(settings, cache, django_app, post):
    settings.ALLOWED_HOSTS = ["localhost", "blog.example"]
    url = post.get_absolute_url()
    call(cache, url)
    other = call(cache, url, headers={"Host": "blog.example"})
    assert django_app.calls == 2
    assert f'href="http://blog.example{url}"' in other.text


def test_parameters_the_page_does_not_read_are_sent_to_its_one_address(cache, django_app, post):
    url = post.get_absolute_url()
    call(cache, url)
    for query in ["?utm_source=news", "?fbclid=abc&utm_medium=x", "?comment_page=1", "?x"]:
        moved = call(cache, url + query)
        assert (moved.status, moved.headers["location"]) == (301, url)
        with_cookie = call(cache, url + query, headers={"Cookie": "sessionid=x"})
        assert (with_cookie.status, with_cookie.headers["location"]) == (301, url)
    assert django_app.calls == 1


def test_the_parameters_a_page_reads_are_normalised_into_its_one_address(
    settings, cache, django_app, db
):
    settings.COMMENTS_PER_PAGE = 2
    post = PostFactory()
    CommentFactory.create_batch(5, post=post)
    url = post.get_absolute_url()
    second = call(cache, url + "?comment_page=2")
    assert second.status == 200
    assert django_app.calls == 1
    for query in [
        "?comment_page=02",
        "?utm_source=x&comment_page=2",
        "?comment_page=1&comment_page=2",
    ]:
        moved = call(cache, url + query)
        assert (moved.status, moved.headers["location"]) == (301, url + "?comment_page=2")
    assert call(cache, url + "?reply_to=7&comment_page=2").headers["location"] == (
        url + "?comment_page=2&reply_to=7"
    )
    assert call(cache, url + "?comment_page=abc").headers["location"] == url  # the first page
    assert django_app.calls == 1
    assert call(cache, url).status == 200
    assert django_app.calls == 2


def test_the_one_address_holds_with_the_page_cache_off(django_app, post):
    cache = PageCache(django_app, enabled=False)
    url = post.get_absolute_url()
    assert call(cache, url + "?utm_source=x").headers["location"] == url
    assert call(cache, url).status == 200


def test_a_stream_of_random_query_strings_neither_misses_nor_evicts(django_app, post):
    cache = listening(django_app, max_bytes=200_000)
    url = post.get_absolute_url()
    call(cache, url)
    call(cache, HOME)
    for n in range(200):
        call(cache, f"{url}?utm_source={n}&q{n}={n}")
        call(cache, f"{HOME}?ref={n}")
    assert django_app.calls == 2
    for n in range(2, 60):  # many pages of the home list: only a quarter of the memory
        call(cache, f"{HOME}?page={n}")
    calls = django_app.calls
    call(cache, url)
    call(cache, HOME)
    assert django_app.calls == calls


def test_memory_is_bounded_in_bytes_least_recently_used_out(db):
    with connections_kept():
        django_app = CountingApp()
        posts = PostFactory.create_batch(12)
        cache = listening(django_app, max_bytes=60_000)
        for post in posts:
            call(cache, post.get_absolute_url())
            assert cache.store.size <= 60_000
        call(cache, posts[-1].get_absolute_url())
        assert django_app.calls == 12  # the newest kept
        call(cache, posts[0].get_absolute_url())
        assert django_app.calls == 13  # the oldest gone


def test_each_answer_carries_a_token_of_its_own_second(cache, post):
    """Not the token of when the page was stored: the "too fast" rule counts from the answer."""
    url = post.get_absolute_url()
    tokens, answered_at = [], []
    for _ in range(3):
        tokens.append(TOKEN.search(call(cache, url).text).group(1))
        answered_at.append(time.time())
        time.sleep(0.6)
    assert len(set(tokens)) >= 2
    rendered_at = [form_tokens.read(token, token_scope(post)).timestamp() for token in tokens]
    assert rendered_at == sorted(rendered_at)
    # Signed once a second: at most a second (and the call's own time) older than the answer.
    for answered, rendered in zip(answered_at, rendered_at, strict=True):
        assert answered - rendered < 1.5


def test_compressed_variants_are_the_same_page(cache, django_app, post):
    url = post.get_absolute_url()
    plain = call(cache, url)
    zipped = call(cache, url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.headers["content-encoding"] == "gzip"  # the post page has tokens: no brotli
    assert TOKEN.sub("", gzip.decompress(zipped.body).decode()) == TOKEN.sub("", plain.text)
    assert int(zipped.headers["content-length"]) == len(zipped.body) < len(plain.body) / 2
    feed = reverse("blog:feed-atom")  # every HTML page has a token (the footer's Subscribe form)
    call(cache, feed)
    plain_feed = call(cache, feed)
    feed_br = call(cache, feed, headers={"Accept-Encoding": "gzip, br"})
    assert feed_br.headers["content-encoding"] == "br"
    assert brotli.decompress(feed_br.body) == plain_feed.body
    refused = call(cache, feed, headers={"Accept-Encoding": "br;q=0, gzip"})
    assert gzip.decompress(refused.body) == plain_feed.body


def test_a_matching_if_none_match_gets_304_from_the_cache(cache, django_app, post):
    url = post.get_absolute_url()
    etag = call(cache, url).headers["etag"]
    calls = django_app.calls
    again = call(cache, url, headers={"If-None-Match": etag})
    assert again.status == 304
    assert again.body == b""
    assert again.headers["etag"] == etag
    other = call(cache, url, headers={"If-None-Match": 'W/"other"'})
    assert other.status == 200
    assert django_app.calls == calls


def test_a_head_request_gets_the_headers_only(cache, post):
    url = post.get_absolute_url()
    full = call(cache, url)
    head = call(cache, url, method="HEAD")
    assert head.status == 200
    assert head.body == b""
    # What a GET would get, give or take a digit of the token's time.
    assert abs(int(head.headers["content-length"]) - int(full.headers["content-length"])) < 4


def test_threads_asking_for_one_missing_page_wait_for_one_rendering():
    calls = []

    def slow(environ, start_response):
        calls.append(environ)
        time.sleep(0.3)
        start_response("200 OK", [("Content-Type", "text/html"), PUBLIC])
        return [b"<p>page</p>"]

    cache = listening(slow)
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(call(cache, HOME))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert [answer.body for answer in answers] == [b"<p>page</p>"] * 4


def test_a_change_empties_the_cache(cache, django_app, post):
    url = post.get_absolute_url()
    call(cache, url)
    cache.changed(ask_schedule=False)
    call(cache, url)
    assert django_app.calls == 2


def test_a_page_rendered_across_a_change_is_not_stored(post):
    """The render read the data before the change: storing it would keep it past the NOTIFY."""
    with connections_kept():
        inner = WSGIHandler()

        def changing_midway(environ, start_response):
            result = inner(environ, start_response)
            cache.changed(ask_schedule=False)
            return result

        cache = listening(changing_midway)
        call(cache, post.get_absolute_url())
        assert cache.store.size == 0


def test_nothing_is_served_nor_stored_while_not_listening(cache, django_app, post):
    url = post.get_absolute_url()
    call(cache, url)
    cache.stop_serving()
    call(cache, url)
    call(cache, url)
    assert django_app.calls == 3
    assert cache.store.size == 0


def test_nothing_is_served_past_the_next_scheduled_publication(cache, django_app, post):
    url = post.get_absolute_url()
    call(cache, url)
    cache.valid_until = time.time() - 0.001  # the listener then empties it and asks again
    call(cache, url)
    call(cache, url)
    assert django_app.calls == 3


def test_the_cache_can_be_turned_off(django_app, post):
    cache = PageCache(django_app, enabled=False)
    call(cache, post.get_absolute_url())
    call(cache, post.get_absolute_url())
    assert django_app.calls == 2


def tokens_of(page: str, scope: str) -> list[str]:
    """Every string on `page` that reads as a form token of `scope`."""
    found = []
    for candidate in SIGNED.findall(page):
        try:
            form_tokens.read(candidate, scope)
        except (form_tokens.BadToken, form_tokens.ExpiredToken):
            continue
        found.append(candidate)
    return found


def marker_of(scope: str) -> str:
    """A marker as the page cache wrote them before they carried a nonce."""
    return f"__page_cache_token_{scope.encode().hex()}__"


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        ("`__page_cache_token_zz__`", "<code>__page_cache_token_zz__</code>"),
        ("So helpful__page_cache_token_.", "So helpful__page_cache_token_."),
        ("Compare x{other}y", "Compare x{other}y"),
    ],
    ids=["a code span", "an unfinished marker", "a marker naming another post's form"],
)
def test_a_comment_spelling_a_token_marker_is_shown_as_typed_on_a_page_that_still_works(
    cache, django_app, post, body, shown
):
    """Nothing a writer types is taken for the page cache's own markers: the post page answers
    200 to readers without cookies, from the cache too, each answer with a token of its own."""
    other = PostFactory()
    body = body.replace("{other}", marker_of(token_scope(other)))
    shown = shown.replace("{other}", marker_of(token_scope(other)))
    CommentFactory(post=post, body=body)
    answers = [call(cache, post.get_absolute_url()) for _ in range(3)]
    assert [answer.status for answer in answers] == [200, 200, 200]
    assert django_app.calls == 1  # the two after it from the cache
    for answer in answers:
        assert shown in answer.text
        form_tokens.read(TOKEN.search(answer.text).group(1), token_scope(post))
        assert tokens_of(answer.text, token_scope(other)) == []


@pytest.mark.parametrize("query", ["__page_cache_token_zz__", "helpful__page_cache_token_."])
def test_a_search_for_a_token_marker_is_answered_with_the_query_as_typed(cache, post, query):
    search = reverse("blog:search") + "?" + urlencode({"q": query})
    for _ in range(2):
        response = call(cache, search)
        assert response.status == 200
        assert escape(query) in response.text


def test_a_search_never_signs_a_token_for_the_form_its_query_names(cache, post):
    """A query is text: the page carries tokens for its own forms only, never for a scope a
    request spells out (a signing oracle)."""
    scope = token_scope(post)
    search = reverse("blog:search") + "?" + urlencode({"q": "x" + marker_of(scope) + "y"})
    for _ in range(2):
        response = call(cache, search)
        assert response.status == 200
        assert marker_of(scope) in response.text
        assert tokens_of(response.text, scope) == []


def test_a_page_with_a_malformed_marker_of_its_own_is_answered_uncached_and_logged(caplog):
    """Should a page ever hold a marker of its rendering that the page cache cannot read, the
    reader still gets the page (its sound markers replaced by tokens), and it is not stored."""

    def application(environ, start_response):
        application.calls += 1
        marker = token_placeholder("ops.test:1")
        broken = marker.removesuffix("__")
        start_response("200 OK", [("Content-Type", "text/html"), PUBLIC])
        return [f"<p>{marker}</p><p>{broken}</p><p>{marker[:-3]}9__</p>".encode()]

    application.calls = 0
    cache = listening(application)
    caplog.set_level(logging.WARNING, logger="ops.page_cache")
    for _ in range(2):
        response = call(cache, HOME)
        assert response.status == 200
        token = re.search(r"<p>([^<]+)</p>", response.text).group(1)
        assert form_tokens.read(token, "ops.test:1")
    assert application.calls == 2
    assert "malformed or unknown form-token marker" in caplog.text
