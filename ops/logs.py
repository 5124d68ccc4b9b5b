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
write the level in lower case and the time in UTC. The one exception is the page cache's hits
(`BufferedAccessLog`): the same lines, built from strings and written in batches.
"""

import atexit
import collections
import logging
import os
import sys
import threading
import time
from datetime import UTC, datetime
from json.encoder import encode_basestring_ascii as json_string

from gunicorn.glogging import Logger as GunicornLogger
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


class BufferedAccessLog:
    """The access lines of the page cache's answers (ops/page_cache/middleware.py), the same line
    RequestLogMiddleware's record gives, in the same format, without a LogRecord per answer.

    A hit costs a few microseconds; one record through `logging` (the record, python-json-logger's
    formatter, a write and a flush) cost three times the rest of the hit (docs/performance.md).
    So the line is built from strings (JSON escaping by the json module's C string encoder), kept
    in a queue, and a thread of the worker writes what gathered every FLUSH_SECONDS in one write,
    and at exit. A worker killed outright (SIGKILL) loses at most that much of its hits' lines.

    Used only while the access lines go where logging_config() sends them, to one handler writing
    a stream with our formatter; otherwise (a test capturing logs, another configuration, the
    level above INFO) each line goes through `logging` as before, or not at all.
    """

    FLUSH_SECONDS = 0.2

    def __init__(self):
        self.lines = collections.deque()
        self.handler = None
        self.second = (0, "")  # (a second, its time as the format writes it)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, name="access-log", daemon=True)
        self.thread.start()
        atexit.register(self.stop)

    def log(self, method: str, path: str, status: int, duration_ms: float, remote_addr):
        handler = self.console_handler()
        if handler is None:
            self.through_logging(method, path, status, duration_ms, remote_addr)
            return
        now = time.time()
        second, stamp = self.second
        if int(now) != second:
            second, stamp = self.second = (int(now), self.stamp(int(now), handler))
        message = f"{method} {path} {status}"
        if isinstance(handler.formatter, JsonFormatter):
            address = "null" if remote_addr is None else json_string(remote_addr)
            line = (
                f'{{"time": "{stamp}.{int(now * 1000) % 1000:03d}+00:00", "level": "info", '
                f'"logger": "access", "message": {json_string(message)}, '
                f'"method": {json_string(method)}, "path": {json_string(path)}, '
                f'"status": {status}, "duration_ms": {duration_ms!r}, '
                f'"remote_addr": {address}, "page_cache": "hit"}}\n'
            )
        else:
            line = f"{stamp} INFO    access: {message} {duration_ms}ms\n"
        self.lines.append((handler, line))

    @staticmethod
    def stamp(second: int, handler) -> str:
        if isinstance(handler.formatter, JsonFormatter):
            return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))

    @staticmethod
    def console_handler():
        """The one stream handler with our formatter the access lines reach, or None."""
        if not access_logger.isEnabledFor(logging.INFO):
            return None
        handlers, logger = [], access_logger
        while logger is not None:
            handlers += logger.handlers
            logger = logger.parent if logger.propagate else None
        if len(handlers) != 1:
            return None
        (handler,) = handlers
        if type(handler) is not logging.StreamHandler or handler.level > logging.INFO:
            return None
        if not isinstance(handler.formatter, JsonFormatter | TextFormatter):
            return None
        return handler

    @staticmethod
    def through_logging(method, path, status, duration_ms, remote_addr):
        access_logger.info(
            "%s %s %s",
            method,
            path,
            status,
            extra={
                "method": method,
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
                "remote_addr": remote_addr,
                "page_cache": "hit",
            },
        )

    def run(self):
        while not self.stopping.wait(self.FLUSH_SECONDS):
            self.flush()

    def flush(self):
        """Write what gathered, one write per handler, under the handler's lock (so that no
        line of another thread's record lands inside it)."""
        batches: dict = {}
        while self.lines:
            handler, line = self.lines.popleft()
            batches.setdefault(handler, []).append(line)
        for handler, lines in batches.items():
            with handler.lock:
                handler.stream.write("".join(lines))
                handler.stream.flush()

    def stop(self):
        self.stopping.set()
        self.flush()


class ErrorLogOnly(GunicornLogger):
    """gunicorn's logger (config/gunicorn.conf.py `logger_class`) without its access log: the site
    writes one access line per request itself (RequestLogMiddleware, and BufferedAccessLog for the
    page cache's answers). With a `logconfig_dict` gunicorn counts its access log as enabled and
    builds every request's line, only for it to go nowhere: a quarter of a page-cache hit's time
    (docs/performance.md)."""

    def access(self, resp, req, environ, request_time):
        pass
