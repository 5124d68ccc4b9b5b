from django.contrib import admin
from django.db.models import Count, Q

from notifications.models import (
    Address,
    NewPostMailing,
    NewPostSubscription,
    Subscription,
)


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


class ConfirmedFilter(admin.SimpleListFilter):
    title = "confirmed"
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", "Confirmed"), ("no", "Waiting for confirmation")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.active()
        if self.value() == "no":
            return queryset.filter(active_since=None)
        return queryset


@admin.register(NewPostSubscription)
class NewPostSubscriptionAdmin(admin.ModelAdmin):
    """The newsletter's subscribers: the list's header counts the confirmed and the waiting."""

    list_display = ["address", "created_at", "active_since"]
    list_filter = [ConfirmedFilter]
    search_fields = ["address__email"]
    list_select_related = ["address"]
    readonly_fields = ["address", "created_at", "active_since"]

    def has_add_permission(self, request):
        return False  # readers subscribe themselves, with a confirmed address

    def changelist_view(self, request, extra_context=None):
        counts = NewPostSubscription.objects.aggregate(
            confirmed=Count("pk", filter=~Q(active_since=None)),
            waiting=Count("pk", filter=Q(active_since=None)),
        )
        return super().changelist_view(
            request, {**(extra_context or {}), "title": subscriber_counts(**counts)}
        )


def subscriber_counts(confirmed: int, waiting: int) -> str:
    return f"Subscribers to new posts: {confirmed} confirmed, {waiting} waiting for confirmation"


@admin.register(NewPostMailing)
class NewPostMailingAdmin(admin.ModelAdmin):
    """Each post mailed to the newsletter, and where its sending stands."""

    list_display = ["post", "started_at", "sent", "pending", "failed"]
    readonly_fields = ["post", "started_at", "sent", "pending", "failed"]
    list_select_related = ["post"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                sent_count=Count("deliveries", filter=~Q(deliveries__sent_at=None)),
                failed_count=Count("deliveries", filter=~Q(deliveries__failed_at=None)),
                pending_count=Count(
                    "deliveries",
                    filter=Q(deliveries__sent_at=None, deliveries__failed_at=None),
                ),
            )
        )

    @admin.display(description="sent", ordering="sent_count")
    def sent(self, mailing):
        return mailing.sent_count

    @admin.display(description="pending", ordering="pending_count")
    def pending(self, mailing):
        return mailing.pending_count

    @admin.display(description="failed", ordering="failed_count")
    def failed(self, mailing):
        return mailing.failed_count

    def has_add_permission(self, request):
        return False  # a mailing starts when its post is published

    def has_change_permission(self, request, obj=None):
        return False
