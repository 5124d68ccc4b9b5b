"""Logs: every line gunicorn and the site write is one JSON object, with one line per request
and per moderation action (level, time, path, status, duration)."""

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.support.factories import PASSWORD, CommentFactory, PostFactory
from tests.support.page_cache import WORKER_HEADER_ENV, answered_by
from tests.support.servers import gunicorn, until
from tests.support.web import Reader


@pytest.fixture
def logged_site(transactional_db, tmp_path):
    """gunicorn serving the test database; yields its URL and a function reading its log."""
    with gunicorn(workers=1, log=tmp_path / "gunicorn.log") as server:
        yield server.url, server.log_records


def test_each_request_is_one_json_line_with_level_time_path_status_and_duration(logged_site):
    url, log_lines = logged_site
    reader = Reader(url)
    reader.get(reverse("blog:post-list"))
    reader.get("/no-such-page/")

    requests = [line for line in log_lines() if line["logger"] == "access"]

    home, missing = requests[-2:]
    assert (home["level"], home["method"], home["path"], home["status"]) == (
        "info",
        "GET",
        reverse("blog:post-list"),
        200,
    )
    assert (missing["level"], missing["path"], missing["status"]) == (
        "warning",
        "/no-such-page/",
        404,
    )
    for line in (home, missing):
        assert line["time"].endswith("+00:00")
        assert isinstance(line["duration_ms"], float)
    assert not [line for line in log_lines() if line["logger"] == "django.request"], (
        "a 404 is logged once, by its request line"
    )


def test_a_page_answered_from_the_page_cache_has_its_line_too(transactional_db, tmp_path):
    """Hits are written in batches (ops.logs.BufferedAccessLog): the same fields, in a moment,
    and none lost when the server stops."""
    path = PostFactory().get_absolute_url()
    with gunicorn(workers=1, env=WORKER_HEADER_ENV, log=tmp_path / "gunicorn.log") as server:
        reader = Reader(server.url)
        until(lambda: answered_by(reader.get(path))[0] == "hit", "a hit")

        def hits():
            # This page's: the start-up probe's GET / may be a hit too, when a slow first
            # answer made it ask again.
            return [
                line
                for line in server.log_records()
                if line.get("page_cache") == "hit" and line.get("path") == path
            ]

        until(hits, "the hit's line in the log")
        (first, *_) = hits()
        assert (first["level"], first["logger"], first["method"], first["path"]) == (
            "info",
            "access",
            "GET",
            path,
        )
        assert (first["status"], first["remote_addr"]) == (200, "127.0.0.1")
        assert first["message"] == f"GET {path} 200"
        assert first["time"].endswith("+00:00")
        assert isinstance(first["duration_ms"], float)
        seen = len(hits())
        for _ in range(5):
            reader.get(path)
    assert len(hits()) == seen + 5, "the lines gathered when the server stopped were written"


def test_a_moderation_action_in_the_admin_is_one_json_line(logged_site, moderator):
    url, log_lines = logged_site
    comment = CommentFactory(status=Comment.Status.PENDING)
    browser = Reader(url)
    assert browser.log_in("moderator", PASSWORD).status == 302

    changelist = reverse("admin:comments_comment_changelist")
    approve = {
        "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        "action": "approve",
        "_selected_action": str(comment.pk),
        "index": "0",
    }
    assert browser.post(changelist, approve).status == 302

    (line,) = [line for line in log_lines() if line["logger"] == "comments.moderation"]
    assert line["level"] == "info"
    assert f"comment {comment.pk}" in line["message"]
    assert "moderator" in line["message"]
