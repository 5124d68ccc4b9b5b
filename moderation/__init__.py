"""Moderation: every reply that reaches the site, whatever its kind, judged, queued, decided,
logged and undone by one pipeline.

A kind of reply joins it from its own app's AppConfig.ready, as django-contrib-comments'
`moderator.register()` does:

    from moderation import Moderator, register

    class ReplyModerator(Moderator):
        noun = "reply"
        ...

    register(Reply, ReplyModerator)

docs/architecture.md, "Add a new source of replies", has the whole recipe.
"""

from moderation.registry import Moderator, register, registry
from moderation.vocabulary import Reason, Status

__all__ = ["Moderator", "Reason", "Status", "register", "registry"]
