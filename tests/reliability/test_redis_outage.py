"""Redis stops while the site serves with REDIS_URL: the public pages go on (they need no
session), signed-in pages answer the site's 503 page, and both recover once Redis is back."""

from django.urls import reverse

from tests.support.factories import PASSWORD, PostFactory
from tests.support.servers import gunicorn
from tests.support.web import Reader, until


def test_a_redis_outage_spares_public_pages_and_recovers_without_restart(
    own_redis, transactional_db, editor
):
    post = PostFactory()
    with gunicorn(workers=1, env={"REDIS_URL": own_redis.url}) as server:
        reader, browser = Reader(server.url), Reader(server.url)
        assert browser.log_in("editor", PASSWORD).status == 302

        own_redis.stop()
        try:
            public = reader.get(post.get_absolute_url())
            signed_in = browser.get(reverse("admin:index"))
        finally:
            own_redis.start()

        assert public.status == 200
        assert signed_in.status == 503
        assert "Back in a moment" in signed_in.text
        until(lambda: browser.get(reverse("admin:index")).status == 200, "the admin to answer")
