from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from markdownx.admin import MarkdownxModelAdmin

from blog import revisions, sharing
from blog.editor import PostEditorWidget
from blog.models import Post, Series, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "post_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("posts"))

    @admin.display(description="Posts", ordering="post_count")
    def post_count(self, tag):
        return tag.post_count


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "post_count"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(post_count=Count("posts"))

    @admin.display(description="Parts", ordering="post_count")
    def post_count(self, series):
        return series.post_count


@admin.register(Post)
class PostAdmin(MarkdownxModelAdmin):
    list_display = ["title", "publication", "published_at", "updated_at", "author"]
    list_filter = ["status", "published_at", "series", "tags"]
    search_fields = ["title", "description", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    list_select_related = ["author"]
    fields = [
        "title",
        "slug",
        "description",
        "body",
        "tags",
        ("series", "series_order"),
        "status",
        "published_at",
        "mail_subscribers",
        "author",
        "byline",
    ]
    # Django's plain selects, labelled: its autocomplete (select2) leaves the empty series box
    # without an accessible name, and filter_horizontal puts aria-label on role-less spans (axe).

    class Media:
        css = {"all": ["blog/editor.css"]}
        js = ["blog/copy_link.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = PostEditorWidget
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "published_at":
            # The admin labels the pair as a whole (a fieldset): name each box for screen readers.
            date, time = field.widget.widgets
            date.attrs["aria-label"] = "Publication date"
            time.attrs["aria-label"] = "Publication time"
        return field

    def get_changeform_initial_data(self, request):
        # A new post is mailed to subscribers unless the editor unticks the box.
        return {
            "author": request.user.pk,
            "mail_subscribers": True,
            **super().get_changeform_initial_data(request),
        }

    @admin.display(description="Publication", ordering="published_at")
    def publication(self, post):
        """Draft, Scheduled with its time, or Published."""
        if post.state == Post.State.SCHEDULED:
            when = date_format(timezone.localtime(post.published_at), "DATETIME_FORMAT")
            return format_html(
                'Scheduled for <time datetime="{}">{}</time>', post.published_at.isoformat(), when
            )
        return post.state.label

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.state != Post.State.PUBLISHED:
            # A draft's or scheduled post's share link, in view where the editor works on it.
            context["share_url"] = request.build_absolute_uri(sharing.share_url(obj))
            context["share_expires_at"] = sharing.expires_at()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    # Revisions and share links: pages of the post's own admin.

    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path("<int:pk>/revisions/", view(self.revisions_view), name="blog_post_revisions"),
            path(
                "<int:pk>/revisions/<int:revision_id>/",
                view(self.revision_view),
                name="blog_post_revision",
            ),
            path(
                "<int:pk>/revisions/<int:revision_id>/restore/",
                view(require_POST(self.restore_view)),
                name="blog_post_restore",
            ),
            path("<int:pk>/share/", view(self.share_view), name="blog_post_share"),
        ]
        return own + super().get_urls()

    def _post_for(self, request, pk, change=False):
        post = get_object_or_404(Post, pk=pk)
        allowed = (
            self.has_change_permission(request, post)
            if change
            else self.has_view_permission(request, post)
        )
        if not allowed:
            raise PermissionDenied
        return post

    def _page(self, request, post, template, title, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": post,
                "post": post,
                "title": title,
                "has_change_permission": self.has_change_permission(request, post),
                **context,
            },
        )

    def revisions_view(self, request, pk):
        post = self._post_for(request, pk)
        history = post.history.select_related("history_user").order_by("-history_date")
        return self._page(
            request,
            post,
            "admin/blog/post/revisions.html",
            f"Revisions of “{post.title}”",
            revisions=history,
        )

    def revision_view(self, request, pk, revision_id):
        post = self._post_for(request, pk)
        revision = get_object_or_404(
            post.history.select_related("history_user"), history_id=revision_id
        )
        when = date_format(timezone.localtime(revision.history_date), "DATETIME_FORMAT")
        return self._page(
            request,
            post,
            "admin/blog/post/revision.html",
            f"The revision of {when} compared with the text now",
            revision=revision,
            differences=revisions.difference(revision, post),
        )

    def restore_view(self, request, pk, revision_id):
        post = self._post_for(request, pk, change=True)
        revision = get_object_or_404(post.history, history_id=revision_id)
        revisions.restore(post, revision, request.user)
        self.message_user(
            request,
            "The revision is restored: the post shows its text again, "
            "and the restore is kept as a new revision.",
            messages.SUCCESS,
        )
        return redirect(reverse("admin:blog_post_change", args=[post.pk]))

    def share_view(self, request, pk):
        post = self._post_for(request, pk, change=request.method == "POST")
        if request.method == "POST":
            sharing.revoke(post)
            self.message_user(
                request,
                "A new share link is made; the links given before no longer work.",
                messages.SUCCESS,
            )
            return redirect(reverse("admin:blog_post_share", args=[post.pk]))
        return self._page(
            request,
            post,
            "admin/blog/post/share.html",
            f"Share a preview of “{post.title}”",
            share_url=request.build_absolute_uri(sharing.share_url(post)),
            expires_at=sharing.expires_at(),
        )
