"""PostgreSQL stops while the site serves: readers get the site's 503 page, a comment being sent
comes back to be sent again, and the site recovers by itself once PostgreSQL is back.

The site here is gunicorn serving a PostgreSQL of the tests' own (see conftest.py), which they
stop and start; the shared one is never touched.
"""

import psycopg
import pytest
from django.conf import settings
from django.urls import reverse

from tests.support.forms import find_form
from tests.support.servers import gunicorn
from tests.support.web import Reader, until

HEALTH_PATH = reverse("ops:health")


@pytest.fixture(scope="module")
def outage_site(own_postgres, tmp_path_factory):
    # The "too fast" rule would make a comment resent at once spam; this is not what is tested.
    env = {"DATABASE_URL": own_postgres.url(), "COMMENTS_MIN_SUBMIT_SECONDS": "0"}
    log = tmp_path_factory.mktemp("outage") / "gunicorn.log"
    with gunicorn(workers=2, env=env, log=log) as server:
        yield server


def logged_errors(outage_site) -> list[dict]:
    return [line for line in outage_site.log_records() if line["level"] == "error"]


def until_healthy(reader: Reader) -> None:
    until(lambda: reader.get(HEALTH_PATH).status == 200, "/healthz to answer 200 again")


def comments_with_body(own_postgres, body: str) -> int:
    with psycopg.connect(own_postgres.url()) as connection:
        query = "SELECT count(*) FROM comments_comment WHERE body = %s"
        return connection.execute(query, [body]).fetchone()[0]


def test_site_answers_503_while_postgresql_is_down_and_recovers_without_restart(
    outage_site, own_postgres
):
    reader = Reader(outage_site.url)
    assert reader.get(own_postgres.guide_path).status == 200
    assert reader.get(HEALTH_PATH).status == 200
    workers = outage_site.worker_pids()

    own_postgres.stop()
    try:
        page = reader.get(own_postgres.guide_path)
        health = reader.get(HEALTH_PATH)
    finally:
        own_postgres.start()

    assert page.status == 503
    assert page.headers["Retry-After"]
    assert "Back in a moment" in page.text
    assert settings.BLOG_TITLE in page.text
    assert "Traceback" not in page.text
    assert health.status == 503
    (error, *_) = [
        line for line in logged_errors(outage_site) if line["logger"] == "django.request"
    ]
    assert "OperationalError" in error["traceback"], "the traceback goes to the log"

    until_healthy(reader)
    # Every worker reconnects on its own: no request after recovery fails.
    assert [reader.get(own_postgres.guide_path).status for _ in range(8)] == [200] * 8
    assert outage_site.worker_pids() == workers


def test_comment_sent_while_postgresql_is_down_comes_back_to_be_sent_again(
    outage_site, own_postgres
):
    reader = Reader(outage_site.url, address="127.0.0.3")
    form = find_form(reader.get(own_postgres.guide_path).text, own_postgres.comment_path)
    body = "Written while the database restarts.\n\nIt has <angle brackets> & two paragraphs."
    form.fields.update(name="Grace Hopper", email="grace@example.com", body=body)

    own_postgres.stop()
    try:
        refused = reader.post(form.action, form.fields)
    finally:
        own_postgres.start()

    assert refused.status == 503
    assert "has <strong>not</strong> been saved" in refused.text
    resend = find_form(refused.text, own_postgres.comment_path)
    assert resend.fields == form.fields
    until_healthy(reader)
    assert comments_with_body(own_postgres, body) == 0

    sent = reader.post(resend.action, resend.fields)

    assert sent.status == 303
    assert comments_with_body(own_postgres, body) == 1
