"""Uploaded images: smaller WebP copies made by the task worker, and an `<img>` that says its size
and lists the copies (blog/images.py)."""

import io

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from PIL import Image

from blog import images
from blog.markdown import render_article
from blog.models import Post
from tests.support.factories import PostFactory

pytestmark = pytest.mark.django_db


def jpeg_bytes(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


def upload(client, content: bytes, name: str = "photo.jpg") -> str:
    file = io.BytesIO(content)
    file.name = name
    response = client.post(reverse("blog:markdownx-upload"), {"image": file})
    assert response.status_code == 200, response.content
    return response.json()["image_code"].removeprefix("![](").removesuffix(")")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_an_upload_queues_its_copies_for_the_worker(editor_client, media):
    url = upload(editor_client, jpeg_bytes(1600, 900))
    name = images.storage_name(url)
    queued = DBTaskResult.objects.filter(task_path="blog.images.make_copies")
    assert [task.args_kwargs["args"] for task in queued] == [[name]]


def test_a_3000_px_upload_gets_480_960_and_1440_px_webp_copies_and_a_sized_img(
    editor_client, media
):
    url = upload(editor_client, jpeg_bytes(3000, 2000))
    name = images.storage_name(url)

    written = images.make_copies.call(name)

    assert len(written) == 3
    for width in images.COPY_WIDTHS:
        with Image.open(media / images.copy_name(name, width)) as copy:
            assert copy.format == "WEBP"
            assert copy.size == (width, round(2000 * width / 3000))
    post = PostFactory(body=f"![A teal rectangle]({url})\n\n![A second one]({url})")
    html = Post.objects.get(pk=post.pk).body_html
    first, second = html.split("<img")[1:]
    assert 'width="3000"' in first and 'height="2000"' in first
    assert f"{url.removesuffix('.jpg')}-480w.webp 480w" in first
    assert f"{url.removesuffix('.jpg')}-1440w.webp 1440w" in first
    assert f"{url} 3000w" in first
    assert 'sizes="' in first and "loading" not in first
    assert 'loading="lazy"' in second


def test_a_post_saved_before_the_copies_exist_lists_them_once_the_worker_made_them(
    editor_client, media
):
    url = upload(editor_client, jpeg_bytes(1200, 800))
    post = PostFactory(body=f"![A chart]({url})")
    assert "srcset" not in Post.objects.get(pk=post.pk).body_html
    assert 'width="1200"' in Post.objects.get(pk=post.pk).body_html

    images.make_copies.call(images.storage_name(url))

    html = Post.objects.get(pk=post.pk).body_html
    assert "-480w.webp 480w" in html and "-960w.webp 960w" in html
    assert post.history.count() == 1


def test_an_image_narrower_than_a_copy_gets_only_the_narrower_copies(editor_client, media):
    url = upload(editor_client, jpeg_bytes(700, 400))
    written = images.make_copies.call(images.storage_name(url))
    assert [name.rsplit("-", 1)[1] for name in written] == ["480w.webp"]
    html = render_article(f"![Small]({url})")
    assert 'width="700"' in html and "480w" in html and "960w" not in html


def test_images_from_elsewhere_get_no_size_or_copies():
    html = render_article("![Elsewhere](https://example.com/photo.jpg)")
    assert "srcset" not in html and "width" not in html


def test_the_preview_flags_images_without_alt_text(editor_client, media):
    response = editor_client.post(
        reverse("blog:markdownx-preview"),
        {"content": "![](https://example.com/a.png) ![Described](https://example.com/b.png)"},
    )
    html = response.content.decode()
    assert '<p class="preview-warning" role="status">1 image has no alt text' in html


def test_the_preview_says_nothing_when_every_image_has_alt_text(editor_client):
    response = editor_client.post(
        reverse("blog:markdownx-preview"), {"content": "![Described](https://example.com/b.png)"}
    )
    assert "preview-warning" not in response.content.decode()


def test_the_post_page_shown_before_the_copies_existed_lists_them_once_the_worker_made_them(
    editor_client, media, client
):
    """The page's version is read from updated_at: the copies change it, as an edit would."""
    url = upload(editor_client, jpeg_bytes(1200, 800))
    post = PostFactory(body=f"![A chart]({url})")
    before = client.get(post.get_absolute_url())
    assert "srcset" not in before.text

    images.make_copies.call(images.storage_name(url))

    after = client.get(post.get_absolute_url(), headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert "-480w.webp 480w" in after.text
