"""The editor's live preview and image upload answer staff who may write posts only."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.support.factories import UserFactory
from tests.support.inert_html import active_content

pytestmark = pytest.mark.django_db

ENDPOINTS = ["blog:markdownx-preview", "blog:markdownx-upload"]


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def assert_sent_to_admin_login(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login") + "?next=")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_requests_to_the_editor_endpoints_are_sent_to_the_login(client, endpoint, method):
    response = getattr(client, method)(reverse(endpoint), {"content": "**bold**"})
    assert_sent_to_admin_login(response)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_readers_without_staff_status_are_refused(client, endpoint):
    client.force_login(UserFactory())
    response = client.post(reverse(endpoint), {"content": "**bold**"})
    assert_sent_to_admin_login(response)


def signed_in(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def png_upload():
    upload = io.BytesIO(png_bytes())
    upload.name = "photo.png"
    return upload


@pytest.fixture
def author_client(db):
    """Staff who may add posts but is no superuser (an author, not the site's editor)."""
    author = UserFactory(username="author", is_staff=True)
    author.user_permissions.add(Permission.objects.get(codename="add_post"))
    return signed_in(author)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_moderator_may_neither_preview_nor_upload(moderator_client, endpoint, settings, tmp_path):
    """Moderators are staff, but staff status is not the right to publish images."""
    settings.MEDIA_ROOT = tmp_path
    response = moderator_client.post(
        reverse(endpoint), {"content": "**bold**", "image": png_upload()}
    )
    assert response.status_code == 403
    assert list(tmp_path.rglob("*.png")) == []


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_staff_without_any_permission_may_neither_preview_nor_upload(endpoint, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    browser = signed_in(UserFactory(username="clerk", is_staff=True))
    response = browser.post(reverse(endpoint), {"content": "**bold**", "image": png_upload()})
    assert response.status_code == 403
    assert list(tmp_path.rglob("*.png")) == []


def test_an_author_who_may_add_posts_previews_and_uploads(author_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    preview = author_client.post(reverse("blog:markdownx-preview"), {"content": "**bold**"})
    assert preview.status_code == 200
    assert "<strong>bold</strong>" in preview.content.decode()
    upload = author_client.post(reverse("blog:markdownx-upload"), {"image": png_upload()})
    assert upload.status_code == 200
    assert len(list(tmp_path.rglob("*.png"))) == 1


def test_preview_is_rendered_by_the_sites_sanitising_renderer(editor_client):
    response = editor_client.post(
        reverse("blog:markdownx-preview"), {"content": "**bold** <script>alert(1)</script>"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script" not in html


def test_preview_drops_script_urls_and_event_handlers(editor_client):
    content = (
        "[click](javascript:alert(1)) [vb](vbscript:msgbox(1)) "
        "[page](data:text/html;base64,PHNjcmlwdD4=) <img src=x onerror=alert(1)>"
    )
    response = editor_client.post(reverse("blog:markdownx-preview"), {"content": content})
    assert response.status_code == 200
    assert active_content(response.content.decode()) == []


def test_preview_refuses_a_body_over_the_size_limit(editor_client, settings):
    settings.BLOG_PREVIEW_MAX_CHARS = 10
    response = editor_client.post(reverse("blog:markdownx-preview"), {"content": "x" * 11})
    assert response.status_code == 413


def test_png_upload_is_stored_under_a_random_name(editor_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = io.BytesIO(png_bytes())
    upload.name = "holiday photo.png"
    response = editor_client.post(reverse("blog:markdownx-upload"), {"image": upload})
    assert response.status_code == 200
    image_code = response.json()["image_code"]
    assert image_code.startswith("![](/media/uploads/")
    assert image_code.endswith(".png)")
    assert "holiday" not in image_code


@pytest.mark.parametrize(
    "name, content",
    [
        ("notes.txt", b"just some text"),
        ("notes.png", b"this is text pretending to be a png"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("anim.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!"),
    ],
)
def test_uploads_that_are_not_jpeg_png_or_webp_are_refused(editor_client, name, content):
    upload = io.BytesIO(content)
    upload.name = name
    response = editor_client.post(reverse("blog:markdownx-upload"), {"image": upload})
    assert response.status_code == 400
    assert "Only JPEG, PNG and WebP" in response.json()["image"][0]


def test_upload_over_the_size_limit_is_refused_with_413(editor_client, settings):
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = 100
    upload = io.BytesIO(png_bytes() + b"\0" * 200)
    upload.name = "big.png"
    response = editor_client.post(reverse("blog:markdownx-upload"), {"image": upload})
    assert response.status_code == 413


def test_uploaded_image_is_served_as_png_that_browsers_may_not_sniff(editor_client):
    """The media URL answers with the image's own type and nosniff, never as a page."""
    upload = io.BytesIO(png_bytes())
    upload.name = "photo.png"
    image_code = editor_client.post(reverse("blog:markdownx-upload"), {"image": upload}).json()
    url = image_code["image_code"].removeprefix("![](").removesuffix(")")
    try:
        response = editor_client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
    finally:
        default_storage.delete(url.removeprefix(default_storage.base_url))
