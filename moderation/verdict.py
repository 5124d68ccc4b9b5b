"""The verdict on a submission of any kind: bans, then the anti-spam rules, then earned trust;
otherwise the moderators decide. One call path for every kind."""

from django.conf import settings

from moderation import spam_rules
from moderation.models import Ban
from moderation.registry import registry
from moderation.spam_rules import Submission, Verdict
from moderation.vocabulary import Reason, Status
from ops.addresses import identity

TRUSTED = ("approved", "trusted writer")
TRUSTED_REASON = Reason(*TRUSTED)


def bans_on(submission: Submission) -> list[Ban]:
    return Ban.objects.matching(
        submission.email, submission.ip_address, submission.url, submission.account
    )


def judge(submission: Submission, writer_proven: bool = False) -> Verdict:
    """A ban, then the anti-spam rules, then trust (`writer_proven`: the writer's browser proved
    the address is theirs); otherwise pending."""
    bans = bans_on(submission)
    if bans:
        return Verdict(Status.SPAM, "ban", str(bans[0]))
    verdict = spam_rules.check(submission)
    if verdict.status == Status.PENDING and writer_proven and is_trusted(submission.email):
        return Verdict(Status.APPROVED, *TRUSTED)
    return verdict


def is_trusted(email: str) -> bool:
    """Whether an item of any kind from this address was approved by a moderator
    (COMMENTS_TRUST_PROVEN_WRITERS). Only worth asking once the writer has proven the address
    is theirs: anyone can type it."""
    address = identity(email) if email else None
    if not settings.COMMENTS_TRUST_PROVEN_WRITERS or address is None:
        return False
    return any(
        moderator.approved().filter(**{moderator.identity_field: address}).exists()
        for moderator in registry
        if moderator.identity_field
    )
