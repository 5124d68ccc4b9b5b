from django.contrib import admin
from django.utils.html import format_html

from moderation.admin import ModeratedAdmin
from moderation.permissions import is_moderator
from webmentions.models import SentWebmention, Webmention


@admin.register(Webmention)
class WebmentionAdmin(ModeratedAdmin, admin.ModelAdmin):
    list_display = ["source_link", "post", "kind", "author_name", "status", "verification"]
    list_filter = ["status", "kind", "verification"]
    search_fields = ["source", "author_name", "content"]
    list_select_related = ["post"]
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


@admin.register(SentWebmention)
class SentWebmentionAdmin(ModeratedAdmin, admin.ModelAdmin):
    list_display = ["target", "post", "status", "response_code", "attempts", "next_attempt_at"]
    list_filter = ["status"]
    search_fields = ["target", "endpoint"]
    list_select_related = ["post"]
    actions = []  # sent, not moderated
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
