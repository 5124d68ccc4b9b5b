"""Anti-spam rules: what files a comment as spam before a moderator ever sees it.

A rule is a function of a `Submission` that returns why the submission is spam (a short phrase a
moderator reads), or None. `check` tries the rules of `RULES` in order; the first that answers
decides, and the comment is stored as spam with the reason "<rule name>: <phrase>" in
`Comment.status_reason` (spam is kept for review, out of the moderators' queue, and the writer is
told the same "awaiting moderation" as anyone). A comment no rule catches waits for a moderator.

To add a rule:

    def shouting(submission: Submission) -> str | None:
        \"\"\"A comment written all in capitals.\"\"\"
        letters = [c for c in submission.body if c.isalpha()]
        if len(letters) > 20 and all(c.isupper() for c in letters):
            return "written in capitals"
        return None

then add `shouting` to RULES, and one test in tests/comments/test_moderation.py that sends a
comment it catches and one it lets through. A rule that needs a setting reads
`settings.COMMENTS_<NAME>` and README.md lists it.

The flood limit is not a rule: it refuses a comment outright, before anything is stored
(comments.services.check_flood_limit).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from comments.markup import render_comment
from comments.models import Comment


@dataclass(frozen=True)
class Submission:
    name: str
    email: str
    body: str
    honeypot: str  # the field people never see (hidden by CSS) and bots fill in
    seconds_taken: float


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str = ""


def honeypot(submission: Submission) -> str | None:
    """A person never sees the honeypot field; a bot filling in every field does."""
    if submission.honeypot:
        return "the hidden field was filled in"
    return None


def too_fast(submission: Submission) -> str | None:
    """Nobody reads a post and writes a comment within seconds of the form being shown."""
    if submission.seconds_taken < settings.COMMENTS_MIN_SUBMIT_SECONDS:
        return f"sent {submission.seconds_taken:.1f} s after the form was shown"
    return None


def spam_words(submission: Submission) -> str | None:
    """Words from COMMENTS_SPAM_WORDS, as whole words: "casino" is caught, "occasional" not."""
    text = f"{submission.name}\n{submission.body}"
    for word in settings.COMMENTS_SPAM_WORDS:
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


RULES: list[Callable[[Submission], str | None]] = [honeypot, too_fast, spam_words, too_many_links]


def check(submission: Submission) -> Verdict:
    """Spam if any rule catches the submission, naming the first that did; otherwise pending."""
    for rule in RULES:
        reason = rule(submission)
        if reason:
            return Verdict(Comment.Status.SPAM, f"{rule.__name__.replace('_', ' ')}: {reason}")
    return Verdict(Comment.Status.PENDING)
