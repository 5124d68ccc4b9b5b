"""The site's addresses: each app's own URLconf, under its namespace, and the admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

urlpatterns = [
    path("", include("ops.urls")),
    # Before the admin: the blog's editor endpoints live under /admin/markdownx/.
    path("", include("comments.urls")),
    path("", include("notifications.urls")),
    path("", include("webmentions.urls")),
    path("", include("blog.urls")),
    # Before the admin, which would take /admin/moderation/queue/ for a model's address.
    path("", include("moderation.urls")),
    path("admin/", admin.site.urls),
    # Uploaded images: only decoded JPEG/PNG/WebP under random names ever land here.
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
handler500 = "ops.views.server_error"
