"""The page cache's access lines (ops.logs.BufferedAccessLog) are the lines a request through
Django gets (ops.logs.RequestLogMiddleware's record), in either format."""

import io
import json
import logging

import pytest

from ops.logs import BufferedAccessLog, JsonFormatter, TextFormatter, access_logger

HOSTILE_PATH = '/posts/"quoted"\\back\u00e4\u2028/'


@pytest.fixture
def console(monkeypatch):
    """The access logger writing to a string, through one handler, as logging_config() sets up."""

    def with_formatter(formatter):
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(formatter)
        monkeypatch.setattr(access_logger, "handlers", [handler])
        monkeypatch.setattr(access_logger, "propagate", False)
        monkeypatch.setattr(access_logger, "level", logging.INFO)
        return stream

    return with_formatter


def through_logging(stream) -> str:
    BufferedAccessLog.through_logging("GET", HOSTILE_PATH, 200, 0.3, "127.0.0.1")
    return stream.getvalue().split("\n")[-2]


def buffered(stream) -> str:
    access_log = BufferedAccessLog()
    access_log.log("GET", HOSTILE_PATH, 200, 0.3, "127.0.0.1")
    access_log.stop()
    return stream.getvalue().split("\n")[-2]


def test_a_json_line_has_the_fields_and_escaping_of_a_logged_record(console):
    stream = console(JsonFormatter())
    expected, line = json.loads(through_logging(stream)), json.loads(buffered(stream))
    assert line.pop("time")[:16] == expected.pop("time")[:16]
    assert line == expected
    assert line["path"] == HOSTILE_PATH


def test_a_text_line_reads_as_a_logged_record(console):
    stream = console(TextFormatter())
    expected, line = through_logging(stream), buffered(stream)
    assert line[16:] == expected[16:]  # after the minutes of the time
    assert line.endswith(f"access: GET {HOSTILE_PATH} 200 0.3ms")


def test_another_handler_gets_the_record_itself(caplog):
    """Beside the console, another handler (here pytest's): each line goes through logging."""
    caplog.set_level(logging.INFO, logger="access")
    access_log = BufferedAccessLog()
    access_log.log("GET", "/", 304, 0.1, None)
    access_log.stop()
    (record,) = caplog.records
    assert (record.status, record.page_cache) == (304, "hit")


def test_nothing_is_written_when_the_level_is_above_info(console, monkeypatch):
    stream = console(JsonFormatter())
    monkeypatch.setattr(access_logger, "level", logging.WARNING)
    assert buffered_lines(stream) == []


def buffered_lines(stream) -> list:
    access_log = BufferedAccessLog()
    access_log.log("GET", "/", 200, 0.1, None)
    access_log.stop()
    return stream.getvalue().split("\n")[:-1]
