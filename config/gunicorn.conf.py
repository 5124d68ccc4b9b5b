"""gunicorn settings; every value can be overridden from the environment."""

import multiprocessing
import os

from ops.logs import logging_config

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# Threaded workers with keep-alive, one per core and one, 4 threads each: with the page cache
# (ops/page_cache/) a page costs so little Python that accepting connections and writing
# answers is most of the work, and there gthread with keep-alive beat sync workers (measured with
# the cache on, interleaved, docs/performance.md: 3 x 4 threads about 4,500 req/s against 3,200
# for 5 sync workers, and gunicorn's own ceiling 7,100 to 8,000 against 4,200). Cache misses wait
# on PostgreSQL, where the other threads keep answering. Each worker takes about 75 MB.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", 4))
keepalive = 5
# A request taking longer is killed (the reader gets an error); after SIGTERM (a deploy or a
# restart) a worker finishes the requests it has for up to graceful_timeout, then stops.
timeout = 30
graceful_timeout = 20
# Heartbeat files in memory, so a slow disk never makes the arbiter think a worker hangs.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (gunicorn docs)
# No control socket (gunicornc): we never use it, and every gunicorn of the user would share
# its one default path, each new one taking it from the last (the tests start many).
control_socket_disable = True
# No access log: the site logs one line per request (ops.logs.RequestLogMiddleware, and the page
# cache for what it answers); ErrorLogOnly keeps gunicorn from building one anyway.
accesslog = None
logger_class = "ops.logs.ErrorLogOnly"
# gunicorn's own lines (start, stop, a worker killed or timed out) in the site's format on
# stderr: text on a terminal, JSON otherwise (ops.logs.log_format).
logconfig_dict = logging_config(
    loggers={"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}}
)


def post_worker_init(worker):
    """Each worker LISTENs for changes before its first request (ops/page_cache/listener.py)."""
    start = getattr(worker.wsgi, "start", None)
    if start is not None:
        start()
