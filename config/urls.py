from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from blog import editor
from config import views

urlpatterns = [
    path("healthz", views.health, name="health"),
    path("admin/markdownx/markdownify/", editor.markdown_preview, name="markdownx-preview"),
    path("admin/markdownx/upload/", editor.image_upload, name="markdownx-upload"),
    path("admin/", admin.site.urls),
    # Uploaded images: only decoded JPEG/PNG/WebP under random names ever land here.
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    path("", include("comments.urls")),
    path("", include("blog.urls")),
]
handler500 = "config.views.server_error"
