import ipaddress
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from moderation.vocabulary import Status
from ops.addresses import NO_IDENTITY_MESSAGE, identity
from ops.one_way import digest, legacy_digest


def domain_form(host: str) -> str:
    """A host as bans store it: IDNA-encoded and lower-cased as an address's domain
    (ops.addresses), without a leading "www."; "" if it is no domain."""
    host = host.strip().rstrip(".").removeprefix("www.")
    return (identity(f"ban@{host}") or "").rpartition("@")[2] if host else ""


def url_host(url: str) -> str:
    """The host a URL names, in the form bans store it; "" if none."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return domain_form(host)


def account_instance(account: str) -> str:
    """The instance of a fediverse account ("@ada@social.example" → "social.example")."""
    return account.strip().lstrip("@").rpartition("@")[2].lower() if "@" in account else ""


def normal_account(account: str) -> str:
    name, _, instance = account.strip().lstrip("@").partition("@")
    return f"@{name.lower()}@{instance.lower()}" if name and instance else ""


class BanQuerySet(models.QuerySet):
    def matching(
        self, email: str, ip_address: str | None, url: str = "", account: str = ""
    ) -> list["Ban"]:
        """The bans that cover an author with this email, address, URL or fediverse account."""
        address = identity(email)
        domains = [d for d in (address and address.rpartition("@")[2], url_host(url)) if d]
        candidates = self.filter(
            Q(kind=Ban.Kind.EMAIL, value__in=Ban.email_values(email))
            | Q(kind=Ban.Kind.DOMAIN, value__in=domains)
            | Q(kind=Ban.Kind.NETWORK)
            | Q(kind=Ban.Kind.ACCOUNT, value=normal_account(account))
            | Q(kind=Ban.Kind.INSTANCE, value__in=[account_instance(account), url_host(url)])
        )
        return [ban for ban in candidates if ban.covers(email, ip_address, url, account)]


class Ban(models.Model):
    """An author the site refuses: whatever they send (a comment, a webmention, a reply from the
    fediverse) is stored as spam, the ban as reason."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email address"
        DOMAIN = "domain", "Domain (of an email address or a website)"
        NETWORK = "network", "IP range (CIDR)"
        ACCOUNT = "account", "Fediverse account"
        INSTANCE = "instance", "Fediverse instance"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(
        max_length=254,
        help_text="ada@example.com, example.com, 203.0.113.0/24 (one address: 203.0.113.7/32), "
        "@ada@social.example, or social.example",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why, for other moderators.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = BanQuerySet.as_manager()

    class Meta:
        db_table = "comments_ban"  # moved from comments: the table and its rows stay
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="one_ban_per_value")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self):
        """Each value is kept in the form it is compared in (an address as its identity)."""
        value = self.value.strip()
        if self.kind == Ban.Kind.NETWORK:
            try:
                value = str(ipaddress.ip_network(value, strict=False))
            except ValueError:
                raise ValidationError(
                    {"value": "Write an IP range such as 203.0.113.0/24."}
                ) from None
        elif self.kind in (Ban.Kind.DOMAIN, Ban.Kind.INSTANCE):
            value = value.removeprefix("@")
            domain = domain_form(value)
            if "@" in value or "." not in value or not domain:
                raise ValidationError({"value": "Write a domain such as example.com."})
            value = domain
        elif self.kind == Ban.Kind.ACCOUNT:
            value = normal_account(value)
            if not value:
                raise ValidationError({"value": "Write an account such as @ada@social.example."})
        elif "@" not in value:
            raise ValidationError({"value": "Write an email address such as ada@example.com."})
        elif identity(value) is None:
            raise ValidationError({"value": NO_IDENTITY_MESSAGE})
        else:
            value = identity(value)
        self.value = value

    @property
    def reason(self) -> str:
        return f"ban: {self}"

    @staticmethod
    def digest_value(email: str) -> str:
        """What an email ban keeps once its address is erased (the writer asked to be
        forgotten): the ban still holds, and the address cannot be read back."""
        return f"digest:{digest(email)}"

    @staticmethod
    def email_values(email: str) -> list[str]:
        """The values of the email bans on this address: its identity, the digest of it, and
        for one release the previous release's digest (of the address lowercased as typed),
        which an erased address's ban may hold. Drop that one in the next release."""
        if not email:
            return []
        address = identity(email)
        legacy = f"digest:{legacy_digest(email)}"
        return [value for value in (address, Ban.digest_value(email), legacy) if value]

    def covers(self, email: str, ip_address: str | None, url: str = "", account: str = "") -> bool:
        if self.kind == Ban.Kind.EMAIL:
            return self.value in Ban.email_values(email)
        if self.kind == Ban.Kind.DOMAIN:
            address = identity(email) if email else None
            domains = {address and address.rpartition("@")[2], url_host(url)}
            return self.value in domains - {None, ""}
        if self.kind == Ban.Kind.ACCOUNT:
            return bool(account) and normal_account(account) == self.value
        if self.kind == Ban.Kind.INSTANCE:
            return self.value in {account_instance(account), url_host(url)} - {""}
        return bool(ip_address) and ipaddress.ip_address(ip_address) in ipaddress.ip_network(
            self.value
        )


class ModeratorPreference(models.Model):
    """How a moderator wants to hear of pending items, of every kind."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_preference"
    )
    daily_digest = models.BooleanField(
        default=False,
        help_text="One mail a day listing everything pending, instead of one mail each.",
    )

    class Meta:
        db_table = "comments_moderatorpreference"  # moved from comments: the rows stay

    def __str__(self):
        return f"{self.user}: {'daily digest' if self.daily_digest else 'a mail per item'}"


class DecisionQuerySet(models.QuerySet):
    def of(self, item):
        return self.filter(
            content_type=ContentType.objects.get_for_model(item, for_concrete_model=True),
            object_id=item.pk,
        )


class ModerationDecision(models.Model):
    """One moderator's decision on one item of any moderated kind: who, when, from what status
    to what, from the admin or a mailed link. Undone within UNDO_WINDOW, the item gets its
    previous status back and the undo is recorded here."""

    UNDO_WINDOW = timedelta(days=1)

    class Channel(models.TextChoices):
        ADMIN = "admin", "Admin"
        MAIL = "mail", "Mail link"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.BigIntegerField()
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=10, choices=Status.choices)
    to_status = models.CharField(max_length=10, choices=Status.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ADMIN)
    decided_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-decided_at"])]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id}: {self.from_status} → {self.to_status}"

    def can_be_undone(self, now=None) -> bool:
        now = now or timezone.now()
        return self.undone_at is None and now - self.decided_at <= self.UNDO_WINDOW

    def item(self):
        """The decided item, or None if it is gone."""
        from moderation.registry import registry

        label = f"{self.content_type.app_label}.{self.content_type.model}"
        model = registry.by_label(label).model
        return model._default_manager.filter(pk=self.object_id).first()
