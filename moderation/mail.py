"""Moderators' mail about pending items of every kind: one mail each, at once, or one daily
digest, as each moderator chose (ModeratorPreference); MODERATOR_EMAILS get mail without
decision links."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import Truncator
from django.utils.translation import ngettext

from moderation.models import ModeratorPreference
from moderation.permissions import moderators
from moderation.registry import registry
from ops.mail import send_later


def notify_moderators(item) -> None:
    """Queue a mail about a new pending item to each moderator who wants one at once, with
    decision links signed for them, and to MODERATOR_EMAILS without links."""
    kind = registry.moderator_for(item)
    subject = kind.mail_subject(item)
    about = kind.mail_about(item)
    digest_readers = ModeratorPreference.objects.filter(daily_digest=True).values("user")
    for moderator in moderators().exclude(email="").exclude(pk__in=digest_readers):
        send_later(
            to=moderator.email, subject=subject, text=pending_mail(item, moderator), about=about
        )
    for address in settings.MODERATOR_EMAILS:
        send_later(to=address, subject=subject, text=pending_mail(item), about=about)


def decision_links(item, moderator) -> dict:
    """{action: signed URL} for `moderator`, or {} without one."""
    if moderator is None or registry.decision_links is None:
        return {}
    url_maker, decisions = registry.decision_links
    return {action: url_maker(item, moderator, action) for action in decisions}


def pending_mail(item, moderator=None) -> str:
    """The text about one pending item: with decision links for `moderator`, if given."""
    kind = registry.moderator_for(item)
    context = {
        "item": item,
        kind.model._meta.model_name: item,
        "noun": kind.noun,
        "excerpt": Truncator(kind.excerpt(item)).chars(1000),
        "author": kind.author(item),
        "source": kind.source(item),
        "post": kind.post(item),
        "review_url": settings.SITE_URL + kind.admin_url(item),
        "links": decision_links(item, moderator),
    }
    return render_to_string(kind.mail_template, context)


def all_pending() -> list:
    """Every pending item of every kind, oldest first."""
    items = [item for kind in registry for item in kind.pending().select_related(*post_field(kind))]
    return sorted(items, key=lambda item: registry.moderator_for(item).created_at(item))


def post_field(kind) -> list[str]:
    names = {f.name for f in kind.model._meta.get_fields()}
    return ["post"] if "post" in names else []


def counted(items) -> str:
    """ "2 pending comments, 1 pending webmention"."""
    counts = {}
    for item in items:
        noun = registry.moderator_for(item).noun
        counts[noun] = counts.get(noun, 0) + 1
    if not counts:
        return "0 pending comments"
    return ", ".join(
        f"{count} pending {noun if count == 1 else plural(noun)}" for noun, count in counts.items()
    )


def plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"


def mail_digest(moderator, pending: list) -> int:
    """Queue one mail to `moderator` listing every pending item; 1 if sent, 0 if none."""
    if not pending:
        return 0
    text = "\n\n".join(pending_mail(item, moderator) for item in pending)
    nouns = {registry.moderator_for(item).noun for item in pending}
    noun = nouns.pop() if len(nouns) == 1 else "item"
    verb = ngettext("awaits", "await", len(pending))
    what = noun if len(pending) == 1 else plural(noun)
    send_later(to=moderator.email, subject=f"{len(pending)} {what} {verb} moderation", text=text)
    return 1


def mail_digests() -> tuple[int, list]:
    """The daily digest to each moderator who chose it: (digests queued, the pending items)."""
    pending = all_pending()
    readers = moderators().filter(moderator_preference__daily_digest=True).exclude(email="")
    return sum(mail_digest(moderator, pending) for moderator in readers), pending


def pending_count() -> int:
    return sum(kind.pending().count() for kind in registry)
