"""Logs for a person at a terminal, and for a shipper everywhere else.

Where stderr is a terminal (`make run` in a shell), each line reads like Django's `runserver`:

    2025-06-01 10:42:07 INFO    access: GET /posts/the-guide/ 200 12.3ms

Anywhere else (a service manager, a container, a test reading the log) each line is one JSON
object with `time` (UTC, to the millisecond), `level`, `logger` and `message`; values passed in a
logging call's `extra` become fields of their own, and an error's traceback is the `traceback`
field of its line. `DJANGO_LOG_FORMAT=text` or `json` chooses instead of the terminal. Django
(settings.LOGGING) and gunicorn (config/gunicorn.conf.py) share `logging_config()`.

The JSON lines come from python-json-logger: it already skips a record's own attributes, turns
`extra` into fields and encodes dates, exceptions and dataclasses; we only name the fields and
write the level in lower case and the time in UTC.
"""

import logging
import os
import sys
import time
from datetime import UTC, datetime

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as LibraryJsonFormatter

FORMATS = ("text", "json")

access_logger = logging.getLogger("access")


def log_format() -> str:
    """ "text" or "json": DJANGO_LOG_FORMAT when set, otherwise text on a terminal only."""
    chosen = os.environ.get("DJANGO_LOG_FORMAT", "").strip().lower()
    if chosen and chosen not in FORMATS:
        raise ValueError(f"DJANGO_LOG_FORMAT is {chosen!r}: use text or json.")
    return chosen or ("text" if sys.stderr.isatty() else "json")


def logging_config(**config) -> dict:
    """A logging dictConfig that writes to stderr through the "console" handler, in the format
    log_format() chooses; `config` adds what the caller routes there (root, loggers)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "text": {"()": "ops.logs.TextFormatter"},
            "json": {"()": "ops.logs.JsonFormatter"},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format()}},
        **config,
    }


class JsonFormatter(LibraryJsonFormatter):
    def __init__(self):
        super().__init__(
            ["asctime", "levelname", "name", "message"],
            rename_fields={
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "exc_info": "traceback",
            },
            # Django's request logger passes the request itself: its repr says nothing useful.
            reserved_attrs=[*RESERVED_ATTRS, "request"],
        )

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging.Formatter's name)
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def process_log_record(self, log_data):
        log_data["level"] = log_data["level"].lower()
        return log_data


class TextFormatter(logging.Formatter):
    """time, level, logger and message, in local time; a request line ends with its duration."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")

    def formatMessage(self, record):  # noqa: N802 (logging.Formatter's name)
        # gunicorn writes every line of its own to "gunicorn.error", not only its errors.
        name = "gunicorn" if record.name == "gunicorn.error" else record.name
        message = record.message
        if isinstance(getattr(record, "duration_ms", None), float):
            message = f"{message} {record.duration_ms}ms"
        return self._fmt % {**vars(record), "name": name, "message": message}


class RequestLogMiddleware:
    """Log each request once, with its status and how long the site took to answer it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        status = response.status_code
        if status >= 500:
            level = logging.ERROR
        elif status >= 400:
            level = logging.WARNING
        else:
            level = logging.INFO
        access_logger.log(
            level,
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": duration_ms,
                "remote_addr": request.META.get("REMOTE_ADDR"),
            },
        )
        return response
