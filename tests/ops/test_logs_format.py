"""ops/logs.py: readable lines on a terminal, one JSON object per line anywhere else, or as
DJANGO_LOG_FORMAT says; both carry the time, level, logger and message."""

import io
import json
import logging
import re
import sys
from datetime import UTC, datetime

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from ops.logs import JsonFormatter, RequestLogMiddleware, TextFormatter, log_format

A_MOMENT = datetime(2025, 6, 1, 10, 42, 7, 123000, tzinfo=UTC).timestamp()


@pytest.fixture
def stderr_is_a_terminal(monkeypatch):
    monkeypatch.delenv("DJANGO_LOG_FORMAT", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)


@pytest.fixture
def stderr_is_a_file(monkeypatch):
    monkeypatch.delenv("DJANGO_LOG_FORMAT", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)


def test_lines_are_text_when_stderr_is_a_terminal(stderr_is_a_terminal):
    assert log_format() == "text"


def test_lines_are_json_when_stderr_is_not_a_terminal(stderr_is_a_file):
    assert log_format() == "json"


@pytest.mark.parametrize("chosen", ["text", "json"])
def test_django_log_format_chooses_whatever_stderr_is(chosen, stderr_is_a_terminal, monkeypatch):
    monkeypatch.setenv("DJANGO_LOG_FORMAT", chosen)
    assert log_format() == chosen
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert log_format() == chosen


def test_an_unknown_django_log_format_is_refused_naming_the_choices(monkeypatch):
    monkeypatch.setenv("DJANGO_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="DJANGO_LOG_FORMAT is 'xml': use text or json."):
        log_format()


def record(name="comments.moderation", level=logging.INFO, message="comment 7 approved", **extra):
    line = logging.makeLogRecord(
        {"name": name, "levelno": level, "levelname": logging.getLevelName(level), "msg": message}
    )
    line.created = A_MOMENT
    line.__dict__.update(extra)
    return line


def test_a_json_line_has_time_level_logger_message_and_the_extra_fields():
    line = json.loads(JsonFormatter().format(record(user="moderator", request=object())))

    assert line == {
        "time": "2025-06-01T10:42:07.123+00:00",
        "level": "info",
        "logger": "comments.moderation",
        "message": "comment 7 approved",
        "user": "moderator",  # an extra field; the request object itself is left out
    }


def test_a_json_line_carries_its_error_traceback():
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        error = record(name="django.request", level=logging.ERROR, exc_info=sys.exc_info())

    line = json.loads(JsonFormatter().format(error))

    assert line["level"] == "error"
    assert line["traceback"].startswith("Traceback (most recent call last):")
    assert line["traceback"].endswith("ZeroDivisionError: division by zero")


def test_a_text_line_has_time_level_logger_and_message():
    text = TextFormatter().format(record(level=logging.WARNING))

    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d WARNING comments\.moderation: comment 7 approved", text
    ), text


def test_gunicorns_own_lines_are_named_gunicorn_in_text():
    text = TextFormatter().format(record(name="gunicorn.error", message="Booting worker"))

    assert text.endswith(" INFO    gunicorn: Booting worker")


def test_a_request_reads_like_runserver_in_text_with_its_duration():
    """The access line: method, path, status and how long the site took."""
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.setFormatter(TextFormatter())
    access = logging.getLogger("access")
    access.addHandler(handler)
    try:
        RequestLogMiddleware(lambda request: HttpResponse(status=404))(
            RequestFactory().get("/no-such-page/")
        )
    finally:
        access.removeHandler(handler)

    assert re.search(r" WARNING access: GET /no-such-page/ 404 \d+\.\dms\n$", output.getvalue()), (
        output.getvalue()
    )
