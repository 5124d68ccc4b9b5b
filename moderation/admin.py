"""The moderation log (undo within a day), bans and each moderator's mail preference: one of
each for every kind."""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import ngettext

from moderation import decisions
from moderation.mail import counted, plural
from moderation.models import Ban, ModerationDecision, ModeratorPreference
from moderation.permissions import is_moderator
from moderation.registry import registry
from moderation.vocabulary import Reason, Status


class ModeratedAdmin:
    """The mixin of each moderated kind's own admin list (and of its app's other moderators'
    pages): moderators alone (moderation.permissions) see and change it, nobody adds through
    it (items come from readers and other sites), and a registered kind's list gets the three
    decisions as actions, recorded in the moderation log. Deleting stays each admin's choice.

    The queue (moderation.views) lists every kind's pending items on one page."""

    actions = ["approve", "reject", "mark_as_spam"]

    def has_module_permission(self, request):
        return is_moderator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_moderator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_moderator(request.user)

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        """A status chosen in the item's form is a decision: recorded, undoable."""
        if obj.pk is None or self.model not in registry:
            return super().save_model(request, obj, form, change)
        field = registry.moderator_for(self.model).status_field
        chosen = getattr(obj, field)
        setattr(obj, field, form.initial.get(field, chosen))
        super().save_model(request, obj, form, change)
        if chosen != getattr(obj, field):
            decisions.decide_one(obj, chosen, request.user)
        return None

    def decide_selected(self, request, queryset, status, verb):
        kind = registry.moderator_for(self.model)
        chosen = queryset.filter(pk__in=kind.queryset().values("pk"))  # what may be decided
        count = decisions.decide(chosen, status, request.user)
        noun = kind.noun if count == 1 else plural(kind.noun)
        was = ngettext("was", "were", count)
        self.message_user(request, f"{count} {noun} {was} {verb}.", messages.SUCCESS)

    @admin.action(description="Approve selected %(verbose_name_plural)s", permissions=["change"])
    def approve(self, request, queryset):
        self.decide_selected(request, queryset, Status.APPROVED, "approved")

    @admin.action(description="Reject selected %(verbose_name_plural)s", permissions=["change"])
    def reject(self, request, queryset):
        self.decide_selected(request, queryset, Status.REJECTED, "rejected")

    @admin.action(
        description="Mark selected %(verbose_name_plural)s as spam", permissions=["change"]
    )
    def mark_as_spam(self, request, queryset):
        self.decide_selected(request, queryset, Status.SPAM, "marked as spam")


def log_url(item) -> str:
    """The moderation log, filtered to one item."""
    content_type = ContentType.objects.get_for_model(item)
    changelist = reverse("admin:moderation_moderationdecision_changelist")
    return f"{changelist}?content_type__id__exact={content_type.pk}&object_id={item.pk}"


@admin.register(ModerationDecision)
class ModerationLogAdmin(admin.ModelAdmin):
    """The moderation log: every decision on every kind, who made it and when; undo within a
    day."""

    list_display = ["decided_at", "moderator", "item_link", "change", "channel", "undo"]
    list_filter = ["to_status", "channel", "content_type", "moderator"]
    list_select_related = ["moderator", "content_type", "undone_by"]

    def lookup_allowed(self, lookup, value, request=None):
        return lookup == "object_id" or super().lookup_allowed(lookup, value, request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return is_moderator(request.user)

    @admin.display(description="Item")
    def item_link(self, decision):
        item = decision.item()
        if item is None:
            return "—"
        kind = registry.moderator_for(item)
        return format_html(
            '<a href="{}">{}</a>', kind.admin_url(item), Truncator(kind.excerpt(item)).chars(60)
        )

    @admin.display(description="Decision")
    def change(self, decision):
        return f"{decision.get_from_status_display()} → {decision.get_to_status_display()}"

    @admin.display(description="Undo")
    def undo(self, decision):
        if decision.undone_at:
            return f"undone by {decision.undone_by}"
        if not decision.can_be_undone():
            return "—"
        url = reverse("admin:moderation_moderationdecision_undo", args=[decision.pk])
        return format_html(
            '<button type="submit" form="moderation-undo" formaction="{}">Undo</button>', url
        )

    def get_urls(self):
        undo = self.admin_site.admin_view(self.undo_view)
        return [
            path("<int:pk>/undo/", undo, name="moderation_moderationdecision_undo"),
            # The previous release's name, for one release.
            path("<int:pk>/undo/", undo, name="comments_moderationdecision_undo"),
            *super().get_urls(),
        ]

    def undo_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        decision = get_object_or_404(ModerationDecision, pk=pk)
        if is_moderator(request.user):
            noun = registry.by_label(
                f"{decision.content_type.app_label}.{decision.content_type.model}"
            ).noun
            try:
                decisions.undo(decision, request.user)
            except decisions.TooLateToUndo:
                self.message_user(
                    request,
                    "This decision cannot be undone: it was undone already, is more than a day "
                    f"old, or the {noun} was decided again since.",
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    f"Undone: the {noun} is {decision.get_from_status_display().lower()} again.",
                    messages.SUCCESS,
                )
        return HttpResponseRedirect(reverse("admin:moderation_moderationdecision_changelist"))


def spam_pending_of(ban: Ban, moderator) -> str | None:
    """Mark the pending items of every kind that a new ban covers as spam, the ban as their
    reason; what was marked ("1 pending comment"), or None."""
    reason = Reason("ban", str(ban))
    marked = []
    with transaction.atomic():
        for kind in registry:
            covered = [item.pk for item in kind.pending() if ban.covers(**kind.ban_terms(item))]
            if not covered:
                continue
            names = {f.name for f in kind.model._meta.get_fields()}
            fields = {k: v for k, v in reason.fields().items() if k in names}
            if kind.reason_text_field in names:
                fields[kind.reason_text_field] = str(reason)
            kind.model._default_manager.filter(pk__in=covered).update(**fields)
            decisions.decide(kind.queryset().filter(pk__in=covered), Status.SPAM, moderator)
            marked += list(kind.queryset().filter(pk__in=covered))
    return counted(marked) if marked else None


class BanForm(forms.ModelForm):
    spam_pending = forms.BooleanField(
        required=False, initial=True, label="Also mark this writer's pending comments as spam"
    )

    class Meta:
        model = Ban
        fields = ["kind", "value", "note"]


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    form = BanForm
    list_display = ["value", "kind", "note", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]
    fields = ["kind", "value", "note"]

    def get_fields(self, request, obj=None):
        return [*self.fields, "spam_pending"] if obj is None else self.fields

    def save_model(self, request, ban, form, change):
        if not change:
            ban.created_by = request.user
        super().save_model(request, ban, form, change)
        if not change and form.cleaned_data.get("spam_pending"):
            marked = spam_pending_of(ban, request.user) or "0 pending comments"
            self.message_user(request, f"{marked} marked as spam.", messages.SUCCESS)


@admin.register(ModeratorPreference)
class ModeratorPreferenceAdmin(admin.ModelAdmin):
    """Each moderator's own choice: a mail per pending item, or one daily digest."""

    list_display = ["user", "daily_digest"]
    fields = ["daily_digest"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def has_add_permission(self, request):
        exists = ModeratorPreference.objects.filter(user=request.user).exists()
        return super().has_add_permission(request) and not exists

    def save_model(self, request, preference, form, change):
        if not change:
            preference.user = request.user
        super().save_model(request, preference, form, change)
