from django.contrib import admin

from transfer.models import Imported, OldPath


@admin.register(Imported)
class ImportedAdmin(admin.ModelAdmin):
    """Where imported posts and comments came from: read-only, written by the import commands."""

    list_display = ["kind", "source_id", "source", "post", "comment", "author_name", "imported_at"]
    list_filter = ["kind", "source"]
    search_fields = ["source_id", "author_name"]
    list_select_related = ["post", "comment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OldPath)
class OldPathAdmin(admin.ModelAdmin):
    """Old addresses that redirect (301) to an imported post; delete one to stop it."""

    list_display = ["path", "post"]
    search_fields = ["path", "post__slug"]
    list_select_related = ["post"]
    raw_id_fields = ["post"]
