from django.contrib import admin
from django.utils.html import format_html

from moderation import decisions
from moderation.permissions import is_moderator
from webmentions.models import SentWebmention, Webmention


class ModeratorsOnly:
    """The moderators (comments.permissions.is_moderator) moderate webmentions as comments."""

    def has_module_permission(self, request):
        return is_moderator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_moderator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_moderator(request.user)

    def has_add_permission(self, request):
        return False


@admin.register(Webmention)
class WebmentionAdmin(ModeratorsOnly, admin.ModelAdmin):
    list_display = ["source_link", "post", "kind", "author_name", "status", "verification"]
    list_filter = ["status", "kind", "verification"]
    search_fields = ["source", "author_name", "content"]
    list_select_related = ["post"]
    actions = ["approve", "mark_spam", "remove"]
    readonly_fields = [
        "source",
        "target",
        "post",
        "kind",
        "author_name",
        "author_url",
        "author_photo",
        "content",
        "status_reason",
        "verification",
        "verification_note",
        "received_at",
        "verified_at",
        "moderated_at",
    ]
    fields = ["status", *readonly_fields]

    def has_delete_permission(self, request, obj=None):
        return is_moderator(request.user)

    @admin.display(description="source", ordering="source")
    def source_link(self, mention):
        return format_html('<a href="{}" rel="nofollow ugc">{}</a>', mention.source, mention)

    def decide(self, request, queryset, status):
        count = decisions.decide(queryset.exclude(verified_at=None), status, request.user)
        self.message_user(request, f"{count} webmention(s) set to {status}.")

    @admin.action(description="Approve the selected webmentions")
    def approve(self, request, queryset):
        self.decide(request, queryset.exclude(verified_at=None), Webmention.Status.APPROVED)

    @admin.action(description="Mark the selected webmentions as spam")
    def mark_spam(self, request, queryset):
        self.decide(request, queryset, Webmention.Status.SPAM)

    @admin.action(description="Reject the selected webmentions")
    def remove(self, request, queryset):
        self.decide(request, queryset, Webmention.Status.REJECTED)


@admin.register(SentWebmention)
class SentWebmentionAdmin(ModeratorsOnly, admin.ModelAdmin):
    list_display = ["target", "post", "status", "response_code", "attempts", "next_attempt_at"]
    list_filter = ["status"]
    search_fields = ["target", "endpoint"]
    list_select_related = ["post"]
    readonly_fields = [
        "post",
        "target",
        "endpoint",
        "status",
        "response_code",
        "note",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
    ]

    def has_change_permission(self, request, obj=None):
        return False
