"""Anti-spam rules, in one place so the admin can show which one decided.

Each rule looks at one submission and returns why it is spam, or None. A comment that no rule
catches waits for a moderator; one that a rule catches is stored as spam (for review, never in
the moderators' queue) with the rule's name and reason. The flood limit is different: it refuses
the comment outright, and is counted in PostgreSQL so it holds across workers and hosts.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

from blog.markdown import render_comment
from comments.models import Comment


@dataclass(frozen=True)
class Submission:
    name: str
    email: str
    body: str
    trap: str
    seconds_taken: float


@dataclass(frozen=True)
class Verdict:
    status: str
    rule: str = ""


def honeypot(submission: Submission) -> str | None:
    """A person never sees the trap field (hidden by CSS); a bot filling every field does."""
    if submission.trap:
        return "the hidden field was filled in"
    return None


def too_fast(submission: Submission) -> str | None:
    """Nobody reads a post and writes a comment within seconds of the form being shown."""
    if submission.seconds_taken < settings.COMMENTS_MIN_SUBMIT_SECONDS:
        return f"sent {submission.seconds_taken:.1f} s after the form was shown"
    return None


def hold_words(submission: Submission) -> str | None:
    """Words from COMMENTS_HOLD_WORDS, as whole words: "casino" holds, "occasional" does not."""
    text = f"{submission.name}\n{submission.body}"
    for word in settings.COMMENTS_HOLD_WORDS:
        pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, word.split())) + r"(?!\w)"
        if re.search(pattern, text, re.IGNORECASE):
            return f"contains “{word}”"
    return None


def too_many_links(submission: Submission) -> str | None:
    """More links than COMMENTS_MAX_LINKS, counted as readers would see them (bare URLs too)."""
    links = render_comment(submission.body).count("<a ")
    if links > settings.COMMENTS_MAX_LINKS:
        return f"{links} links, more than {settings.COMMENTS_MAX_LINKS}"
    return None


RULES: list[Callable[[Submission], str | None]] = [honeypot, too_fast, hold_words, too_many_links]


def judge(submission: Submission) -> Verdict:
    """Spam if any rule catches the submission, naming the first that did; otherwise pending."""
    for rule in RULES:
        reason = rule(submission)
        if reason:
            return Verdict(Comment.Status.SPAM, f"{rule.__name__.replace('_', ' ')}: {reason}")
    return Verdict(Comment.Status.PENDING)


def flood_limit_reached(ip_address: str | None, now: datetime) -> bool:
    """Whether this address already sent COMMENTS_FLOOD_LIMIT comments within the window.

    Call inside a transaction that then stores the comment: the advisory lock makes concurrent
    submissions from one address, on any worker or host, count one after the other.
    """
    if ip_address is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"comments.flood:{ip_address}"],
        )
    window_start = now - timedelta(seconds=settings.COMMENTS_FLOOD_WINDOW_SECONDS)
    recent = Comment.objects.filter(ip_address=ip_address, created_at__gte=window_start)
    return recent.count() >= settings.COMMENTS_FLOOD_LIMIT
