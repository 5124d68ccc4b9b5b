"""gunicorn's own ceiling for `make bench`: a WSGI application answering every request with the
post page's bytes (the file BENCH_PAGE_FILE names), run with the site's gunicorn settings."""

import os
from pathlib import Path

BODY = Path(os.environ["BENCH_PAGE_FILE"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
