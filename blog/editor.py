"""The editor's live preview and image upload, for staff only.

django-markdownx's own URLs let anyone preview and upload, so they are not mounted; these views
take their place at the paths its widget calls (MARKDOWNX_URLS_PATH, MARKDOWNX_UPLOAD_URLS_PATH).
"""

import uuid

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_POST
from PIL import Image, UnidentifiedImageError

from blog.markdown import render_article

IMAGE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_IMAGE_PIXELS = 40_000_000


@staff_member_required
@require_POST
def markdown_preview(request):
    content = request.POST.get("content", "")
    if len(content) > settings.BLOG_PREVIEW_MAX_CHARS:
        return HttpResponse(
            f"The preview stops at {settings.BLOG_PREVIEW_MAX_CHARS:,} characters.",
            status=413,
            content_type="text/plain",
        )
    return HttpResponse(render_article(content))


def _decoded_image_format(upload) -> str | None:
    """The format Pillow finds by decoding the file, whatever its name or declared type says."""
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return None
            image.load()
            return image.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


@staff_member_required
@require_POST
def image_upload(request):
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"image": ["Choose an image to upload."]}, status=400)
    if upload.size > settings.MARKDOWNX_UPLOAD_MAX_SIZE:
        limit_mb = settings.MARKDOWNX_UPLOAD_MAX_SIZE // (1024 * 1024)
        return JsonResponse({"image": [f"Images are limited to {limit_mb} MB."]}, status=413)
    image_format = _decoded_image_format(upload)
    if image_format not in IMAGE_EXTENSIONS:
        return JsonResponse({"image": ["Only JPEG, PNG and WebP images are accepted."]}, status=400)
    upload.seek(0)
    name = f"{settings.MARKDOWNX_MEDIA_PATH}{uuid.uuid4().hex}.{IMAGE_EXTENSIONS[image_format]}"
    saved_name = default_storage.save(name, ContentFile(upload.read()))
    return JsonResponse({"image_code": f"![]({default_storage.url(saved_name)})"})
