"""The flood limit is counted in PostgreSQL, so it holds across processes and hosts."""

import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.comments.conftest import form_data
from tests.factories import PostFactory
from tests.servers import gunicorn


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post_form(url, data) -> int:
    opener = urllib.request.build_opener(NoRedirects)
    body = urllib.parse.urlencode(data).encode()
    try:
        with opener.open(url, data=body, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)
def test_ten_comments_at_once_through_two_servers_store_three_and_refuse_the_rest():
    """Every request reaches gunicorn from 127.0.0.1: one address for the flood limit."""
    post = PostFactory()
    path = reverse("comments:post-comment", kwargs={"slug": post.slug})
    with gunicorn(workers=2) as first, gunicorn(workers=2) as second:
        targets = [first + path, second + path] * 5
        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = list(
                pool.map(lambda url: post_form(url, form_data(post, body=f"To {url}")), targets)
            )
    assert sorted(statuses) == [303] * 3 + [429] * 7
    assert Comment.objects.filter(ip_address="127.0.0.1").count() == 3
