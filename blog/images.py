"""Uploaded images: their smaller copies, and what an `<img>` of one says about them.

An upload (blog/editor.py) is kept as sent; the task `make_copies` (run by the task worker,
django-tasks as for mail) writes WebP copies at each of COPY_WIDTHS narrower than the original,
beside it: `uploads/<name>-480w.webp`. A rendered `<img>` of an upload carries the original's
`width` and `height` (read from its header, which costs no decoding) so nothing shifts as it
loads, and lists in `srcset` the copies that exist. The worker usually finishes while the author
is still writing; if a post was saved before, `make_copies` renders the posts showing that image
again once the copies are there, so a `srcset` never names a file that is not.
"""

import io
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.functions import Now
from django_tasks import task
from PIL import Image, UnidentifiedImageError

COPY_WIDTHS = (480, 960, 1440)
# The article column is at most about 40rem wide; on narrow screens it is the viewport's.
SIZES = "(min-width: 46rem) 40rem, 100vw"
WEBP_QUALITY = 80


def storage_name(src: str) -> str | None:
    """The storage name of an image of ours from its URL, or None for anything else."""
    prefix = "/" + settings.MEDIA_URL.strip("/") + "/"
    upload_folder = prefix + settings.MARKDOWNX_MEDIA_PATH
    if not src.startswith(upload_folder) or "/../" in src or "?" in src:
        return None
    return src.removeprefix(prefix)


def copy_name(name: str, width: int) -> str:
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{width}w.webp"))


def copy_widths(width: int) -> list[int]:
    return [copy_width for copy_width in COPY_WIDTHS if copy_width < width]


def size_of(name: str) -> tuple[int, int] | None:
    try:
        with default_storage.open(name) as file, Image.open(file) as image:
            return image.size
    except (OSError, UnidentifiedImageError, ValueError):
        return None


def attributes(src: str) -> dict[str, str]:
    """The `<img>` attributes for an image at `src`: its size and copies if it is ours."""
    name = storage_name(src)
    size = size_of(name) if name else None
    if size is None:
        return {}
    width, height = size
    candidates = [
        f"{default_storage.url(copy_name(name, w))} {w}w"
        for w in copy_widths(width)
        if default_storage.exists(copy_name(name, w))
    ]
    attrs = {"width": str(width), "height": str(height)}
    if candidates:
        attrs["srcset"] = ", ".join([*candidates, f"{src} {width}w"])
        attrs["sizes"] = SIZES
    return attrs


def _copy(name: str, width: int) -> bytes:
    with default_storage.open(name) as file, Image.open(file) as image:
        height = round(image.height * width / image.width)
        # draft() lets a JPEG decode at a fraction of its size and reducing_gap resizes in two
        # cheap steps: a 3000 px upload stays far under the worker's memory target.
        image.draft("RGB", (width, height))
        mode = "RGBA" if "A" in image.getbands() else "RGB"
        copy = image.convert(mode).resize(
            (width, height), Image.Resampling.LANCZOS, reducing_gap=2.0
        )
    buffer = io.BytesIO()
    copy.save(buffer, format="WEBP", quality=WEBP_QUALITY)
    return buffer.getvalue()


@task()
def make_copies(name: str) -> list[str]:
    """Write the WebP copies of the upload `name` (run by the task worker); return their names."""
    size = size_of(name)
    written = []
    for width in copy_widths(size[0]) if size else ():
        target = copy_name(name, width)
        if default_storage.exists(target):
            default_storage.delete(target)
        written.append(default_storage.save(target, ContentFile(_copy(name, width))))
    if written:
        _render_posts_showing(name)
    return written


def _render_posts_showing(name: str) -> None:
    # Imported here: the models import the renderer, which imports this module.
    from blog.markdown import rendered_fields
    from blog.models import Post

    for post in Post.objects.filter(body__contains=default_storage.url(name)).only("pk", "body"):
        # update(): the text is unchanged, so no revision. A new updated_at all the same: the
        # HTML changed, and the page's version (every cached copy of the page) is read from it.
        Post.objects.filter(pk=post.pk).update(**rendered_fields(post.body), updated_at=Now())
