"""Load: 64 readers commenting at once, each from its own loopback address, for 30 s, against
gunicorn with several workers, two of which are killed with SIGKILL on the way.

Every comment the site acknowledged (303) must be in the database exactly once, and no answer
may be a 5xx. A comment whose connection died with its worker was never acknowledged: the
reader saw an error, and it is stored at most once. Run it with `make loadtest` (the counts are
printed); LOADTEST_SECONDS shortens or lengthens it.
"""

import os
import random
import signal
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.support.forms import find_form
from tests.support.servers import gunicorn
from tests.support.web import Reader

pytestmark = pytest.mark.loadtest

COMMENTERS = 64
SECONDS = float(os.environ.get("LOADTEST_SECONDS", 30))
WORKERS = 4
KILLS = 2
# A reader takes a moment between the page and the comment; the "too fast" rule is set to the
# shortest moment, so that these comments wait for moderation as a person's would.
THINK_SECONDS = (1.0, 2.0)
SERVER_ENV = {
    "WEB_CONCURRENCY": str(WORKERS),
    "COMMENTS_MIN_SUBMIT_SECONDS": "1",
    "COMMENTS_FLOOD_LIMIT": "100000",
    # The access lines of thousands of requests would bury the report; errors still show.
    "DJANGO_LOG_LEVEL": "WARNING",
}


@dataclass
class Tally:
    answers: Counter = field(default_factory=Counter)  # ("GET" or "POST", status or error)
    acknowledged: list[str] = field(default_factory=list)
    unacknowledged: list[str] = field(default_factory=list)
    answered_after_kill: int = 0
    failures: list[str] = field(default_factory=list)  # a reader that stopped on an error
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, method, answer, killed):
        with self.lock:
            self.answers[method, answer] += 1
            if killed.is_set() and isinstance(answer, int):
                self.answered_after_kill += 1


def commenter(number, base_url, post_path, comment_path, deadline, killed, tally):
    try:
        comment_until(number, base_url, post_path, comment_path, deadline, killed, tally)
    except Exception as error:
        tally.failures.append(f"reader {number}: {error!r}")
        raise


def comment_until(number, base_url, post_path, comment_path, deadline, killed, tally):
    """Read the post, write for a moment, send a comment; again until the deadline."""
    reader = Reader(base_url, address=f"127.0.0.{number + 2}")
    while time.monotonic() < deadline:
        try:
            page = reader.get(post_path)
        except OSError as error:  # the worker serving it was killed
            tally.count("GET", type(error).__name__, killed)
            continue
        tally.count("GET", page.status, killed)
        if page.status != 200:
            continue
        # Parse only the comment form: the guide around it is long.
        start = page.text.index('<form class="comment-form"')
        form = find_form(page.text[start : page.text.index("</form>", start) + 7], comment_path)
        time.sleep(random.uniform(*THINK_SECONDS))
        body = f"Comment {uuid.uuid4()} from reader {number}."
        form.fields.update(name=f"Reader {number}", email=f"reader{number}@example.com", body=body)
        try:
            response = reader.post(form.action, form.fields)
        except OSError as error:
            tally.count("POST", type(error).__name__, killed)
            tally.unacknowledged.append(body)
            continue
        tally.count("POST", response.status, killed)
        (tally.acknowledged if response.status == 303 else tally.unacknowledged).append(body)


def test_every_acknowledged_comment_is_stored_once_while_workers_are_killed(
    transactional_db, guide
):
    post_path = guide.get_absolute_url()
    comment_path = reverse("comments:post-comment", kwargs={"slug": guide.slug})
    tally = Tally()
    killed = threading.Event()
    with gunicorn(workers=WORKERS, env=SERVER_ENV) as server:
        deadline = time.monotonic() + SECONDS
        readers = [
            threading.Thread(
                target=commenter,
                args=(n, server.url, post_path, comment_path, deadline, killed, tally),
            )
            for n in range(COMMENTERS)
        ]
        for reader in readers:
            reader.start()
        killed_pids = []
        for _ in range(KILLS):
            time.sleep(SECONDS / (KILLS + 1))
            victim = random.choice(sorted(server.worker_pids() - set(killed_pids)))
            os.kill(victim, signal.SIGKILL)
            killed_pids.append(victim)
            killed.set()
        for reader in readers:
            reader.join()

    stored = Counter(Comment.objects.filter(post=guide).values_list("body", flat=True))
    report = {
        "commenters": COMMENTERS,
        "seconds": SECONDS,
        "workers": WORKERS,
        "workers killed": len(killed_pids),
        "comments sent": len(tally.acknowledged) + len(tally.unacknowledged),
        "acknowledged (303)": len(tally.acknowledged),
        "acknowledged and stored once": sum(stored[body] == 1 for body in tally.acknowledged),
        "unacknowledged": len(tally.unacknowledged),
        "unacknowledged but stored": sum(stored[body] for body in tally.unacknowledged),
        "answers": {f"{method} {answer}": n for (method, answer), n in tally.answers.items()},
        "answers after the first kill": tally.answered_after_kill,
        "comments in the database": sum(stored.values()),
    }
    print("\nLoad test:", *(f"  {name}: {value}" for name, value in report.items()), sep="\n")

    assert tally.failures == []
    assert not [answer for _, answer in tally.answers if isinstance(answer, int) and answer >= 500]
    assert all(stored[body] == 1 for body in tally.acknowledged)
    assert all(stored[body] <= 1 for body in tally.unacknowledged)
    assert sum(stored.values()) == len(tally.acknowledged) + sum(
        stored[body] for body in tally.unacknowledged
    )
    assert len(killed_pids) == KILLS
    assert tally.answered_after_kill > 0
    assert len(tally.acknowledged) >= COMMENTERS, "fewer comments than readers: no load"
