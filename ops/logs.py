"""Logs a shipper can read: one JSON object per line, and one line per request.

Every line has `time`, `level`, `logger` and `message`; values passed in a logging call's `extra`
become fields of their own, and an error's traceback is the `traceback` field of its line.
"""

import json
import logging
import time
from datetime import UTC, datetime

# The attributes every LogRecord has; any other attribute came from `extra`.
RECORD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request"}

access_logger = logging.getLogger("access")


def json_logging(**config) -> dict:
    """A logging dictConfig that writes JSON lines to stderr through the "console" handler;
    `config` adds what the caller routes there (root, loggers). Used by Django and gunicorn."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "ops.logs.JsonFormatter"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        **config,
    }


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(
            (name, value) for name, value in vars(record).items() if name not in RECORD_ATTRIBUTES
        )
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


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
