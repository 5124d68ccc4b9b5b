"""How moderation sees a webmention (registered in webmentions.apps)."""

from django.db.models import Q

from moderation import Moderator


def banned_url(author_url: str, source: str) -> str:
    """The URL a webmention's bans are compared with, when it is judged and when a new ban
    sweeps the pending ones: its author's site, else the page that mentions the post."""
    return author_url or source


class WebmentionModerator(Moderator):
    noun = "webmention"
    created_field = "received_at"
    mail_template = "webmentions/email/moderators_pending.txt"

    def excerpt(self, mention) -> str:
        return mention.content or str(mention)

    def author(self, mention) -> str:
        return mention.author_name or mention.source_domain

    def source(self, mention) -> str:
        return mention.source

    def ban_terms(self, mention) -> dict:
        return {**super().ban_terms(mention), "url": banned_url(mention.author_url, mention.source)}

    def same_writer(self, mention) -> Q:
        """The mentions whose author names the same site (none without an author URL)."""
        return Q(author_url=mention.author_url) if mention.author_url else Q(pk__in=[])

    def queryset(self):
        # Only a verified mention can be shown, so only one is moderated.
        return super().queryset().exclude(verified_at=None)
