from django.contrib import admin

from notifications.models import Address, Subscription


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    fields = ["post", "thread", "created_at", "active_since"]
    readonly_fields = fields
    extra = 0
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False  # readers subscribe themselves, with a confirmed address


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["email", "confirmed_at", "confirmation_mailed_at", "created_at"]
    search_fields = ["email"]
    readonly_fields = ["email", "created_at", "confirmation_sent_at", "confirmation_mailed_at"]
    fields = [*readonly_fields, "confirmed_at"]
    inlines = [SubscriptionInline]

    def has_add_permission(self, request):
        return False
