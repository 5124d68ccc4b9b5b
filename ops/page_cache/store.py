"""What the page cache keeps in each worker's memory: an `Entry` per page (its headers, its body
split at form-token placeholders, its encodings made once), in a `Store` bounded in bytes."""

import contextlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from ops.page_cache.encodings import compressed, deflated_parts, gzip_joined
from ops.page_cache.headers import HOP_BY_HOP
from ops.page_cache.placeholders import fresh_tokens

# Entries whose key has a query (comment pages, replies) share at most this part of the memory,
# so that no stream of query strings can push the plain pages out.
QUERY_SHARE = 0.25


@dataclass
class Entry:
    headers: list  # (name, value) without Content-Length
    etag: str | None
    parts: list  # body split at token placeholders
    gzip_parts: list  # each even part raw-deflated, joinable with fresh tokens
    brotli_body: bytes | None  # only for bodies without tokens
    gzip_body: bytes | None
    size: int
    has_query: bool
    # encoding -> (the second its tokens were signed in, or None without tokens; headers; body)
    answers: dict = field(default_factory=dict)

    @classmethod
    def build(cls, headers, parts: list, has_query: bool) -> "Entry":
        body = parts[0]
        etag = next((value for name, value in headers if name.lower() == "etag"), None)
        vary = [value for name, value in headers if name.lower() == "vary"]
        headers = [(n, v) for n, v in headers if n.lower() not in HOP_BY_HOP | {"vary"}]
        headers.append(("Vary", ", ".join([*vary, "Accept-Encoding"])))
        if len(parts) == 1:
            gzip_parts = []
            gzip_body, brotli_body = compressed(body)
        else:
            gzip_parts = deflated_parts(parts)
            gzip_body = brotli_body = None
        plain_size = sum(len(part) for part in parts[::2])
        gzip_size = sum(len(part or b"") for part in gzip_parts)
        size = (
            # With tokens, the answer joined for this second is kept too (answer()).
            plain_size * (2 if gzip_parts else 1)
            + len(gzip_body or b"")
            + len(brotli_body or b"")
            + gzip_size * 2
            + sum(len(n) + len(v) for n, v in headers) * 3
            + 512
        )
        return cls(headers, etag, parts, gzip_parts, brotli_body, gzip_body, size, has_query)

    def answer(self, encoding: str) -> tuple[list, bytes]:
        """(headers, body) in `encoding`. With tokens, joined once a second (the tokens are
        signed once a second: placeholders._token) and the same bytes answered until the next."""
        second = int(time.time()) if self.gzip_parts else None
        kept = self.answers.get(encoding)
        if kept is not None and kept[0] == second:
            return kept[1], kept[2]
        body = self.body(encoding)
        headers = list(self.headers)
        if encoding != "identity":
            headers.append(("Content-Encoding", encoding))
        headers.append(("Content-Length", str(len(body))))
        self.answers[encoding] = (second, headers, body)
        return headers, body

    def body(self, encoding: str) -> bytes:
        if encoding == "br":
            return self.brotli_body
        if encoding == "gzip" and self.gzip_body is not None:
            return self.gzip_body
        if len(self.parts) == 1:
            return self.parts[0]
        tokens = fresh_tokens(self.parts)
        if encoding != "gzip":
            return b"".join(tokens)
        return gzip_joined(tokens, self.gzip_parts)


class Store:
    """Two LRU lists bounded in bytes: plain pages, and pages with a query (a QUERY_SHARE of
    the bytes at most)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        self.segments = {False: OrderedDict(), True: OrderedDict()}
        self.sizes = {False: 0, True: 0}

    def get(self, key, has_query):
        entries = self.segments[has_query]
        entry = entries.get(key)
        if entry is not None:
            with contextlib.suppress(KeyError):  # emptied meanwhile
                entries.move_to_end(key)
        return entry

    def put(self, key, entry: Entry):
        limit = self.max_bytes * (QUERY_SHARE if entry.has_query else 1 - QUERY_SHARE)
        if entry.size > limit:
            return
        # The caller holds self.lock.
        entries, has_query = self.segments[entry.has_query], entry.has_query
        old = entries.pop(key, None)
        if old is not None:
            self.sizes[has_query] -= old.size
        entries[key] = entry
        self.sizes[has_query] += entry.size
        while self.sizes[has_query] > limit:
            _, evicted = entries.popitem(last=False)
            self.sizes[has_query] -= evicted.size

    @property
    def size(self):
        return self.sizes[False] + self.sizes[True]
