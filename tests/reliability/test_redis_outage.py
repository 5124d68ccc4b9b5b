"""Redis stops while the site serves with REDIS_URL: the public pages go on (they need no
session), signed-in pages answer the site's 503 page, and both recover once Redis is back."""

from django.urls import reverse

from tests.factories import PostFactory, StaffFactory
from tests.reliability.web import Reader, until
from tests.servers import gunicorn_server

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def test_a_redis_outage_spares_public_pages_and_recovers_without_restart(
    own_redis, transactional_db
):
    post = PostFactory()
    StaffFactory(username="editor")
    with gunicorn_server(workers=1, extra_env={"REDIS_URL": own_redis.url}) as server:
        reader, editor = Reader(server.url), Reader(server.url)
        assert editor.log_in("editor", PASSWORD) == 302

        own_redis.stop()
        try:
            public = reader.get(post.get_absolute_url())
            signed_in = editor.get(reverse("admin:index"))
        finally:
            own_redis.start()

        assert public.status == 200
        assert signed_in.status == 503
        assert "Back in a moment" in signed_in.text
        until(lambda: editor.get(reverse("admin:index")).status == 200, "the admin to answer")
