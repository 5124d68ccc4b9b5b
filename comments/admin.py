"""The moderators' workplace: the queue on one screen, one-click decisions, the writer's other
comments, undo, bans and the moderation log."""

from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.timesince import timesince

from blog.models import Post
from comments import decision_links, services
from comments.models import Comment
from comments.permissions import is_moderator
from moderation import spam_rules
from moderation.admin import ModeratedAdmin, log_url
from ops.addresses import same_identity

# The decisions a row's buttons and a comment's page offer: the POSTed value, its status, verb.
VERBS = {"approve": "approved", "spam": "marked as spam", "reject": "rejected"}
DECISIONS = {name: (status, VERBS[name]) for name, status in decision_links.DECISIONS.items()}

DECISION_BUTTONS = {
    decision: (status, decision.capitalize()) for decision, (status, _) in DECISIONS.items()
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


class ReasonFilter(admin.SimpleListFilter):
    """By what put the comment where it is: a rule, a ban, trust, or a moderator alone."""

    title = "reason"
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        rules = [spam_rules.rule_code(rule) for rule in spam_rules.RULES]
        return [
            ("none", "A moderator alone"),
            *((name, name.capitalize()) for name in rules),
            ("ban", "A ban"),
            ("approved", "Trusted writer"),
            ("edited", "Edited by its writer"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(reason_code="")
        if self.value():
            return queryset.filter(reason_code=self.value())
        return queryset


@admin.register(Comment)
class CommentAdmin(ModeratedAdmin, admin.ModelAdmin):
    # Narrow enough for a 1280 px laptop beside the admin's sidebar and filters: the post goes
    # under the excerpt, the time under the writer.
    list_display = ["excerpt", "writer", "status_badge", "reason", "decide"]
    list_display_links = ["excerpt"]
    list_filter = ["status", ReasonFilter, "post"]
    search_fields = ["body", "name", "email", "ip_address"]
    list_select_related = ["post"]
    list_per_page = 50
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["post", "parent", "name", "email", "body", "status"]}),
        ("How it arrived and who moderated it", {"fields": RECORD_FIELDS}),
    ]
    readonly_fields = ["post", "parent", *RECORD_FIELDS]

    class Media:
        css = {"all": ["comments/admin.css"]}

    def get_queryset(self, request):
        # The post's full text is not needed to list or moderate its comments.
        return super().get_queryset(request).defer(*(f"post__{name}" for name in Post.TEXT_FIELDS))

    def get_ordering(self, request):
        """The queue first: pending comments, newest first, then the rest."""
        pending_first = Case(
            When(status=Comment.Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [pending_first, "-created_at", "-pk"]

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return format_html(
            '{}<span class="comment-on-post" title="{}">on {}</span>',
            Truncator(comment.body).chars(140),
            comment.post.title,
            Truncator(comment.post.title).chars(40),
        )

    @admin.display(description="Who, when", ordering="-created_at")
    def writer(self, comment):
        return format_html(
            '<span title="{} · {}">{}</span><time datetime="{}" title="{}">{} ago</time>',
            comment.email,
            comment.ip_address or "",
            comment.name,
            comment.created_at.isoformat(timespec="seconds"),
            timezone.localtime(comment.created_at).strftime("%Y-%m-%d %H:%M"),
            timesince(comment.created_at).split(",")[0],
        )

    @admin.display(description="Status", ordering="status")
    def status_badge(self, comment):
        return format_html(
            '<span class="comment-status-badge comment-status-{}">{}</span>',
            comment.status,
            comment.get_status_display(),
        )

    @admin.display(description="Reason", ordering="status_reason")
    def reason(self, comment):
        return comment.status_reason or "—"

    @admin.display(description="Decide")
    def decide(self, comment):
        """One-click buttons. The changelist is one form already and forms cannot nest, so
        they belong to a form of their own outside it (form=, in change_list.html) and each
        sends to its comment's decide view (formaction=)."""
        url = reverse("admin:comments_comment_decide", args=[comment.pk])
        buttons = format_html_join(
            "",
            '<button type="submit" form="comment-decisions" formaction="{}" name="decision" '
            'value="{}" aria-label="{} the comment by {}">{}</button>',
            (
                (url, decision, label, comment.name, label)
                for decision, (status, label) in DECISION_BUTTONS.items()
                if status != comment.status
            ),
        )
        return format_html('<span class="comment-decide">{}</span>', buttons)

    def view_on_site(self, comment):
        return f"{comment.post.get_absolute_url()}#comments"

    def get_urls(self):
        return [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="comments_comment_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk):
        """One row's button: one decision on one comment, back to the same page of the list."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        comment = get_object_or_404(Comment, pk=pk)
        if not is_moderator(request.user) or request.POST.get("decision") not in DECISIONS:
            return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))
        status, verb = DECISIONS[request.POST["decision"]]
        services.moderate(Comment.objects.filter(pk=pk), status, request.user)
        self.message_user(
            request,
            format_html(
                'The comment by {} was {}. <a href="{}">Undo it from the moderation log</a>.',
                comment.name,
                verb,
                log_url(comment),
            ),
            messages.SUCCESS,
        )
        back = request.POST.get("next", "")
        if not back.startswith(reverse("admin:comments_comment_changelist")):
            back = reverse("admin:comments_comment_changelist")
        return HttpResponseRedirect(back)

    def save_model(self, request, comment, form, change):
        """The page's Approve / Reject / Spam buttons, or the status field, decide through
        services.moderate (recorded, undoable); other fields are saved as they are."""
        pressed = [name for name in DECISIONS if f"_{name}" in request.POST]
        chosen = DECISIONS[pressed[0]][0] if pressed else comment.status
        comment.status = form.initial.get("status", comment.status)
        super().save_model(request, comment, form, change)
        if chosen != comment.status:
            services.moderate(Comment.objects.filter(pk=comment.pk), chosen, request.user)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            same_writer = Q(pk__in=[])  # an erased comment has neither
            if obj.email:
                same_writer |= same_identity(obj.email)
            if obj.ip_address:
                same_writer |= Q(ip_address=obj.ip_address)
            context["decisions"] = obj.decisions.select_related("moderator", "undone_by")
            context["edits"] = obj.edits.all()
            context["other_comments"] = (
                Comment.objects.filter(same_writer)
                .exclude(pk=obj.pk)
                .select_related("post")
                .order_by("-created_at")[:20]
            )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
