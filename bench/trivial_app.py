"""gunicorn's own ceiling for `make bench`: a WSGI application answering every request with the
post page's bytes (the file BENCH_PAGE_FILE names) and the headers a page-cache hit sends
(BENCH_PAGE_HEADERS, a JSON list of pairs), run with the site's gunicorn settings."""

import json
import os
from pathlib import Path

BODY = Path(os.environ["BENCH_PAGE_FILE"]).read_bytes()
HEADERS = [tuple(pair) for pair in json.loads(Path(os.environ["BENCH_PAGE_HEADERS"]).read_text())]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
