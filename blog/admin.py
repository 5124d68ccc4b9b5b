from django.contrib import admin
from markdownx.admin import MarkdownxModelAdmin

from blog.models import Post


@admin.register(Post)
class PostAdmin(MarkdownxModelAdmin):
    list_display = ["title", "status", "published_at", "updated_at", "author"]
    list_filter = ["status", "published_at"]
    search_fields = ["title", "description", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    list_select_related = ["author"]
    fields = ["title", "slug", "description", "body", "status", "published_at", "author"]

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}
