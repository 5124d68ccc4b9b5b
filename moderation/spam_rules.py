"""Anti-spam rules: what files a submission of any kind as spam before a moderator sees it.

A rule is a function of a `Submission` that returns why it is spam (a short phrase a moderator
reads), or None. `check` tries the rules of `RULES` in order; the first that answers decides,
and the item is stored as spam with the rule's name as reason code and the phrase as detail
(spam is kept for review, out of the moderators' queue, and the writer is told the same
"awaiting moderation" as anyone). An item no rule catches waits for a moderator.

To add a rule:

    def shouting(submission: Submission) -> str | None:
        \"\"\"A text written all in capitals.\"\"\"
        letters = [c for c in submission.body if c.isalpha()]
        if len(letters) > 20 and all(c.isupper() for c in letters):
            return "written in capitals"
        return None

then add `shouting` to RULES (an app adds its own from its AppConfig.ready, as comments adds
its link count), and one test that sends an item it catches and one it lets through. A rule
that needs a setting reads `settings.COMMENTS_<NAME>` and README.md lists it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from moderation.vocabulary import Reason, Status


@dataclass(frozen=True)
class Submission:
    """What any kind sends to be judged, whatever it is."""

    name: str
    email: str  # the author's address, "" if the kind has none
    body: str
    honeypot: str = ""  # the field people never see (hidden by CSS) and bots fill in
    seconds_taken: float = float("inf")  # since the form was shown; inf for no form
    url: str = ""  # the author's website, if any
    ip_address: str | None = None
    kind: str = "comments.comment"
    account: str = ""  # a fediverse account, "@name@instance"


@dataclass(frozen=True)
class Verdict:
    status: str
    code: str = ""
    detail: str = ""

    @property
    def reason(self) -> Reason:
        return Reason(self.code, self.detail)


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


RULES: list[Callable[[Submission], str | None]] = [honeypot, too_fast, spam_words]


def rule_code(rule) -> str:
    return rule.__name__.replace("_", " ")


def check(submission: Submission) -> Verdict:
    """Spam if any rule catches the submission, naming the first that did; otherwise pending."""
    for rule in RULES:
        detail = rule(submission)
        if detail:
            return Verdict(Status.SPAM, rule_code(rule), detail)
    return Verdict(Status.PENDING)
