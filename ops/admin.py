from django.contrib import admin

from ops.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """What the site sent or is trying to send: for finding out why a mail did not arrive."""

    list_display = ["subject", "to", "created_at", "sent_at", "attempts"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["to", "subject", "message_id"]
    readonly_fields = [field.name for field in OutgoingMail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Unsent mail holds live signed links (a moderator's decisions, a reader's data).
        return request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_superuser
