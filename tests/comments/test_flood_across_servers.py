"""The flood limit is counted in PostgreSQL, so it holds across processes and hosts."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from comments.models import Comment
from tests.support.comments import comment_url, form_data
from tests.support.factories import PostFactory
from tests.support.servers import gunicorn
from tests.support.web import Reader


@pytest.mark.django_db(transaction=True)
def test_ten_comments_at_once_through_two_servers_store_three_and_refuse_the_rest():
    """Every request reaches gunicorn from 127.0.0.1: one address for the flood limit."""
    post = PostFactory()
    with gunicorn(workers=2) as first, gunicorn(workers=2) as second:

        def send(url):
            return Reader(url).post(comment_url(post), form_data(post, body=f"To {url}")).status

        with ThreadPoolExecutor(max_workers=10) as pool:
            statuses = list(pool.map(send, [first.url, second.url] * 5))
    assert sorted(statuses) == [303] * 3 + [429] * 7
    assert Comment.objects.filter(ip_address="127.0.0.1").count() == 3
