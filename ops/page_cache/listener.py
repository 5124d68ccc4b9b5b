"""Invalidation: PostgreSQL NOTIFYs the channel PAGE_CACHE_CHANNEL when anything public changes
(the blog's triggers, blog migration 0007); each worker LISTENs on a connection of its own, in a
thread, and empties its whole cache on a message. While the listener is not connected (and for
up to a second after the connection is lost: the heartbeat) nothing is served from memory nor
stored. Nothing outlives the next scheduled publication (PAGE_CACHE_NEXT_CHANGE, asked again
after each message)."""

import logging
import threading
import time
from typing import TYPE_CHECKING

import psycopg
from django.conf import settings
from django.db import connections

if TYPE_CHECKING:
    from ops.page_cache.middleware import PageCache

logger = logging.getLogger(__package__)  # "ops.page_cache", one logger for the package


def listen_conninfo() -> dict:
    """Where to LISTEN: the default (primary) database, directly (not through a transaction
    pooler: LISTEN lasts as long as the session)."""
    params = connections["default"].get_connection_params()
    keep = {"dbname", "user", "password", "host", "port", "sslmode", "options"}
    return {name: value for name, value in params.items() if name in keep and value}


class Listener(threading.Thread):
    """LISTENs for changes; empties the cache on each, and whenever the connection is lost."""

    HEARTBEAT_SECONDS = 1.0
    RETRY_SECONDS = 0.5

    def __init__(self, cache: "PageCache"):
        super().__init__(name="page-cache-listener", daemon=True)
        self.cache = cache
        self.connection = None
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                self.listen()
            except Exception as error:  # noqa: BLE001 (any failure means: stop serving, retry)
                if self.cache.listening:
                    logger.warning("page cache: not listening (%s); serving from Django", error)
                self.cache.stop_serving()
            finally:
                if self.connection is not None:
                    self.connection.close()
                    self.connection = None
            self.stopping.wait(self.RETRY_SECONDS)

    def listen(self):
        options = {"autocommit": True, "connect_timeout": 5, "application_name": "page-cache"}
        if settings.PAGE_CACHE_LISTEN_URL:
            self.connection = psycopg.connect(settings.PAGE_CACHE_LISTEN_URL, **options)
        else:
            self.connection = psycopg.connect(**listen_conninfo(), **options)
        self.connection.execute(f"LISTEN {self.cache.channel}")
        # Anything committed before LISTEN took effect is in no message: start empty.
        self.cache.changed()
        self.cache.listening = True
        logger.info("page cache: listening on %s", self.cache.channel)
        while not self.stopping.is_set():
            timeout = self.HEARTBEAT_SECONDS
            if self.cache.valid_until is not None:
                timeout = max(0.0, min(timeout, self.cache.valid_until - time.time()))
            changed = False
            for _ in self.connection.notifies(timeout=timeout, stop_after=1):
                changed = True
            if changed:  # one flush for every message already here
                for _ in self.connection.notifies(timeout=0.0):
                    pass
            if changed or self.cache.expired():
                self.cache.changed()
            else:
                self.connection.execute("SELECT 1")  # the heartbeat: a lost connection raises
