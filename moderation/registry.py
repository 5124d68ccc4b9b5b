"""The moderated kinds: a model registers with a `Moderator` that says how to show and judge one
of its items. Nothing in this app names a kind: everything it does goes through here."""

from django.db.models import F, Q
from django.urls import reverse

from moderation.vocabulary import Status


class Moderator:
    """How moderation sees one kind. The defaults fit a table with `status`, `reason_code`,
    `reason_detail`, `status_reason`, `created_at` and a `post` foreign key; override what
    differs. Status stays a column of the kind's own table (with the blog's
    `blog_mark_discussion_changed` trigger: moderation.checks)."""

    # What one item is called in messages and mail ("comment", "webmention").
    noun = ""
    status_field = "status"
    created_field = "created_at"
    # The column holding the author's address identity (ops.addresses), if the kind has one.
    identity_field = None
    # The column holding the sender's IP address, if the kind keeps one.
    client_address_field = None
    # The old text column of the reason, still written for one release.
    reason_text_field = "status_reason"
    # The mail about one pending item (context: item, excerpt, author, source, post, review_url,
    # links).
    mail_template = "moderation/email/pending.txt"

    def __init__(self, model):
        self.model = model
        self.label = model._meta.label_lower

    # How an item is shown.
    def excerpt(self, item) -> str:
        raise NotImplementedError

    def author(self, item) -> str:
        raise NotImplementedError

    def source(self, item) -> str:
        """Where it came from: a URL, or "" when it was written on this site."""
        return ""

    def post(self, item):
        return item.post

    def identity(self, item) -> str | None:
        return getattr(item, self.identity_field) if self.identity_field else None

    def client_address(self, item) -> str | None:
        return getattr(item, self.client_address_field) if self.client_address_field else None

    def ban_terms(self, item) -> dict:
        """What a ban is compared with: Ban.covers' email, ip_address, url and account."""
        return {"email": "", "ip_address": self.client_address(item), "url": "", "account": ""}

    def created_at(self, item):
        return getattr(item, self.created_field)

    def reason(self, item) -> str:
        return getattr(item, self.reason_text_field, "") or ""

    def status_display(self, item) -> str:
        return Status(getattr(item, self.status_field)).label

    def admin_url(self, item) -> str:
        meta = self.model._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk])

    def mail_subject(self, item) -> str:
        return f"{self.noun.capitalize()} awaiting moderation on “{self.post(item).title}”"

    def mail_about(self, item) -> str:
        """The address the mail is about (erased with it when its owner asks): "" if none."""
        return ""

    # Which items are where.
    def queryset(self):
        return self.model._default_manager.all()

    def pending(self):
        """The moderators' queue of this kind."""
        return self.queryset().filter(**{self.status_field: Status.PENDING})

    def approved(self):
        return self.queryset().filter(**{self.status_field: Status.APPROVED})

    def same_writer(self, item) -> Q:
        """The items of this kind by the same author (the queue's "who is this")."""
        same = Q(pk__in=[])
        identity = self.identity(item)
        if identity:
            same |= Q(**{self.identity_field: identity})
        address = self.client_address(item)
        if address:
            same |= Q(**{self.client_address_field: address})
        return same

    # Decisions.
    def decision_updates(self, status, moderator, now) -> dict:
        """The columns a decision writes besides the status."""
        fields = {f.name for f in self.model._meta.get_fields()}
        updates = {}
        if "moderated_by" in fields:
            updates["moderated_by"] = moderator
        if "moderated_at" in fields:
            updates["moderated_at"] = now
        if "decision_count" in fields:
            updates["decision_count"] = F("decision_count") + 1
        return updates

    def decision_count(self, item) -> int:
        """What a mailed decision link is signed for: it dies once the count moves."""
        if hasattr(item, "decision_count"):
            return item.decision_count
        from moderation.models import ModerationDecision

        return ModerationDecision.objects.of(item).count()

    def undo_status(self, item, from_status: str) -> str:
        """The status an undo gives back (a kind may keep an edited item pending)."""
        return from_status

    def published(self, pks: list) -> None:
        """Called once committed with the items a decision made public."""


class Registry:
    def __init__(self):
        self._moderators = {}
        # The signed decision links of moderators' mail: (url maker, {action: status}), set by
        # the app whose view serves them for every kind (comments: comments.decision_links).
        self.decision_links = None

    def register(self, model, moderator_class=Moderator) -> None:
        registered = self._moderators.get(model)
        # The same registration again is Django populating its apps anew (a test that changes
        # INSTALLED_APPS runs every AppConfig.ready() again); another moderator is a mistake.
        if registered is not None and type(registered) is not moderator_class:
            raise ValueError(f"{model._meta.label} is registered for moderation already.")
        self._moderators[model] = moderator_class(model)

    def unregister(self, model) -> None:
        self._moderators.pop(model, None)

    def __contains__(self, model) -> bool:
        return model in self._moderators

    def __iter__(self):
        return iter(list(self._moderators.values()))

    def moderator_for(self, model_or_item):
        model = model_or_item if isinstance(model_or_item, type) else type(model_or_item)
        return self._moderators[model._meta.concrete_model]

    def by_label(self, label: str):
        """The moderator of "app_label.model_name"; KeyError if none."""
        for moderator in self._moderators.values():
            if moderator.label == label:
                return moderator
        raise KeyError(label)

    def use_decision_links(self, url_maker, decisions: dict) -> None:
        self.decision_links = (url_maker, decisions)


registry = Registry()


def register(model, moderator_class=Moderator) -> None:
    """Moderate `model`'s items, shown and judged as `moderator_class` says."""
    registry.register(model, moderator_class)
