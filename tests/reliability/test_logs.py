"""Logs: every line gunicorn and the site write is one JSON object, with one line per request
and per moderation action (level, time, path, status, duration)."""

import json

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.factories import CommentFactory, StaffFactory
from tests.reliability.web import Reader
from tests.servers import gunicorn_server

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


@pytest.fixture
def logged_site(transactional_db, tmp_path):
    """gunicorn serving the test database; yields its URL and a function reading its log."""
    log = tmp_path / "gunicorn.log"
    with log.open("w") as stderr, gunicorn_server(workers=1, stderr=stderr) as server:
        yield server.url, lambda: [json.loads(line) for line in log.read_text().splitlines()]


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


def test_a_moderation_action_in_the_admin_is_one_json_line(logged_site):
    url, log_lines = logged_site
    comment = CommentFactory(status=Comment.Status.PENDING)
    StaffFactory(username="moderator")
    moderator = Reader(url)
    assert moderator.log_in("moderator", PASSWORD) == 302

    changelist = reverse("admin:comments_comment_changelist")
    approve = {
        "csrfmiddlewaretoken": moderator.cookies["csrftoken"],
        "action": "approve",
        "_selected_action": str(comment.pk),
        "index": "0",
    }
    assert moderator.post(changelist, approve).status == 302

    (line,) = [line for line in log_lines() if line["logger"] == "comments.moderation"]
    assert line["level"] == "info"
    assert f"comment {comment.pk}" in line["message"]
    assert "moderator" in line["message"]
