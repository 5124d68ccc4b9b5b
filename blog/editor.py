"""The editor's live preview and image upload, for those who may write posts.

django-markdownx's own URLs let anyone preview and upload, so they are not mounted; these views
take their place at the paths its widget calls (MARKDOWNX_URLS_PATH, MARKDOWNX_UPLOAD_URLS_PATH).

The editor (PostEditorWidget) puts the Markdown and its preview side by side on wide screens
(static/blog/editor.css). The preview is not an iframe (the site refuses to be framed): it is a
box of the admin page whose class, `post-preview`, scopes the site's own article stylesheets
(`preview_stylesheet`: each public rule prefixed by that class), so it looks like the page without
restyling the admin. static/blog/editor.js asks before leaving with unsaved changes.
"""

import re
import uuid
from functools import cache, wraps

from django import forms
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_POST
from markdownx.widgets import MarkdownxWidget
from PIL import Image, UnidentifiedImageError

from blog import images
from blog.markdown import render_article
from ops.release import release

IMAGE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_IMAGE_PIXELS = 40_000_000
POST_PERMISSIONS = ("blog.add_post", "blog.change_post")


def may_write_posts(user) -> bool:
    """Who may preview and upload: whoever may add or change a post. Staff status alone is not
    enough (a moderator is staff, and uploads are served to everyone)."""
    return any(user.has_perm(permission) for permission in POST_PERMISSIONS)


def post_writers_only(view):
    """Staff who may write posts; other staff get 403, everyone else the admin's log-in."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not may_write_posts(request.user):
            raise PermissionDenied("Previews and uploads are for those who may write posts.")
        return view(request, *args, **kwargs)

    return staff_member_required(checked)


@post_writers_only
@require_POST
def markdown_preview(request):
    content = request.POST.get("content", "")
    if len(content) > settings.BLOG_PREVIEW_MAX_CHARS:
        return HttpResponse(
            f"The preview stops at {settings.BLOG_PREVIEW_MAX_CHARS:,} characters.",
            status=413,
            content_type="text/plain",
        )
    html = render_article(content)
    missing_alt = len(re.findall(r'<img [^>]*alt=""', html))
    warning = render_to_string("blog/preview_warnings.html", {"missing_alt": missing_alt})
    return HttpResponse(warning + html)


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


@post_writers_only
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
    images.make_copies.enqueue(saved_name)
    return JsonResponse({"image_code": f"![]({default_storage.url(saved_name)})"})


# The public stylesheets whose rules the preview takes, in the order the post page links them.
PREVIEW_SOURCES = ("css/site.css", "css/article.css", "css/code.css")
# The class twice: the admin's own rules (".module h2", "a:link") are outranked, not just tied.
PREVIEW_SCOPE = ".post-preview.post-preview"
PAGE_SELECTORS = {":root", "html", "body"}
GROUP_RULES = ("@media", "@supports")


def _scoped_selector(selector: str) -> str:
    selector = selector.strip()
    if selector in PAGE_SELECTORS:
        return PREVIEW_SCOPE  # the page's root and body are the preview box itself
    return f"{PREVIEW_SCOPE} {selector}"


def scope_css(css: str) -> str:
    """Every rule of `css` limited to the preview box (site.css's simple shape: rules, @media
    groups of rules; other at-rules such as @page do not apply to a box and are dropped)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    out, position = [], 0
    while True:
        opening, closing = css.find("{", position), css.find("}", position)
        if closing != -1 and (opening == -1 or closing < opening):
            out.append("}\n")  # the end of a rule or a group
            position = closing + 1
            continue
        if opening == -1:
            break
        prelude = css[position:opening].strip()
        if prelude.startswith(GROUP_RULES):
            out.append(f"{prelude} {{\n")
            position = opening + 1
        elif prelude.startswith("@"):
            position = css.find("}", opening) + 1  # @page { ... }: nothing for the preview
        else:
            body_end = css.find("}", opening)
            selectors = ", ".join(_scoped_selector(part) for part in prelude.split(","))
            out.append(f"{selectors} {{{css[opening + 1 : body_end].strip()}}}\n")
            position = body_end + 1
    return "".join(out)


@cache
def _preview_css(release_digest: str) -> str:
    parts = []
    for name in PREVIEW_SOURCES:
        with open(finders.find(name), encoding="utf-8") as file:
            parts.append(f"/* {name}, limited to the preview */\n{scope_css(file.read())}")
    return "\n".join(parts)


@staff_member_required
@require_GET
def preview_stylesheet(request):
    """The site's article styles, scoped to the editor's preview box."""
    response = HttpResponse(_preview_css(release()), content_type="text/css; charset=utf-8")
    patch_cache_control(response, private=True, max_age=300)
    return response


class PostEditorWidget(MarkdownxWidget):
    """markdownx's editor with the preview beside it, styled as the page."""

    template_name = "blog/editor_widget.html"

    @property
    def media(self):
        return forms.Media(
            css={"all": [reverse("blog:editor-preview-css"), "blog/editor.css"]},
            js=["markdownx/js/markdownx.js", "blog/editor.js"],
        )
