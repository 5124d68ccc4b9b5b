"""An editor writes Markdown in the admin, sees the live preview, and publishes it."""

from django.urls import reverse

from blog.models import Post
from tests.support.browser import log_in_to_admin
from tests.support.factories import PostFactory


def test_editor_sees_live_preview_and_publishes_the_change(page, site_url, editor):
    post = PostFactory(title="Editing in the browser", body="Old text.")
    log_in_to_admin(page, site_url, editor)

    page.goto(site_url + reverse("admin:blog_post_change", args=[post.pk]))
    body = page.locator("textarea.markdownx-editor")
    body.fill("Some **bold** words.\n\n<script>window.__pwned=1</script>")
    preview = page.locator(".markdownx-preview")
    preview.locator("strong", has_text="bold").wait_for()
    assert preview.locator("script").count() == 0

    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(site_url + reverse("admin:blog_post_changelist"))
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED

    page.goto(site_url + post.get_absolute_url())
    assert page.locator(".post-body strong").inner_text() == "bold"
    assert page.evaluate("window.__pwned") is None
    page.problems.assert_none()
