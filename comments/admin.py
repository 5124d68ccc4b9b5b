from django.contrib import admin, messages
from django.utils.text import Truncator
from django.utils.translation import ngettext

from blog.models import Post
from comments.models import Comment
from comments.services import moderate

# The buttons on a comment's own page (templates/admin/comments/comment/change_form.html).
MODERATION_BUTTONS = {
    "_approve": Comment.Status.APPROVED,
    "_reject": Comment.Status.REJECTED,
    "_spam": Comment.Status.SPAM,
}

# What the site recorded about a comment: shown to moderators, never edited.
RECORD_FIELDS = [
    "reason",
    "created_at",
    "ip_address",
    "user_agent",
    "user",
    "moderated_by",
    "moderated_at",
]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "excerpt",
        "name",
        "email",
        "post",
        "status",
        "created_at",
        "ip_address",
        "reason",
    ]
    list_filter = ["status", "post"]
    search_fields = ["body", "name", "email", "ip_address"]
    list_select_related = ["post"]
    list_per_page = 50
    date_hierarchy = "created_at"
    actions = ["approve", "reject", "mark_as_spam"]
    fieldsets = [
        (None, {"fields": ["post", "parent", "name", "email", "body", "status"]}),
        ("How it arrived and who moderated it", {"fields": RECORD_FIELDS}),
    ]
    readonly_fields = ["post", "parent", *RECORD_FIELDS]

    def get_queryset(self, request):
        # The post's full text is not needed to list or moderate its comments.
        return super().get_queryset(request).defer(*(f"post__{name}" for name in Post.TEXT_FIELDS))

    def has_add_permission(self, request):
        return False  # comments come from readers, through the post page

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    @admin.display(description="Reason", ordering="status_reason")
    def reason(self, comment):
        return comment.reason

    def view_on_site(self, comment):
        return f"{comment.post.get_absolute_url()}#comments"

    def _moderate(self, request, queryset, status, verb):
        count = moderate(queryset, status, request.user)
        noun = ngettext("comment was", "comments were", count)
        self.message_user(request, f"{count} {noun} {verb}.", messages.SUCCESS)

    @admin.action(description="Approve selected comments", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.APPROVED, "approved")

    @admin.action(description="Reject selected comments", permissions=["change"])
    def reject(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.REJECTED, "rejected")

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_as_spam(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.SPAM, "marked as spam")

    def save_model(self, request, comment, form, change):
        for button, status in MODERATION_BUTTONS.items():
            if button in request.POST:
                comment.status = status
        status_changed = comment.status != form.initial.get("status")
        super().save_model(request, comment, form, change)
        if status_changed:
            moderate(Comment.objects.filter(pk=comment.pk), comment.status, request.user)
