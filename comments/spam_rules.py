"""The anti-spam rules live in moderation.spam_rules, for every kind; comments adds the one that
needs its markup (comments.apps registers it). Importable from here for one release."""

from django.conf import settings

from comments.markup import render_comment
from moderation.spam_rules import (
    RULES,
    Submission,
    Verdict,
    check,
    honeypot,
    spam_words,
    too_fast,
)

__all__ = [
    "RULES",
    "Submission",
    "Verdict",
    "check",
    "honeypot",
    "spam_words",
    "too_fast",
    "too_many_links",
]


def too_many_links(submission: Submission) -> str | None:
    """More links than COMMENTS_MAX_LINKS, counted as readers would see them (bare URLs too)."""
    links = render_comment(submission.body).count("<a ")
    if links > settings.COMMENTS_MAX_LINKS:
        return f"{links} links, more than {settings.COMMENTS_MAX_LINKS}"
    return None
