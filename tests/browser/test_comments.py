"""A reader comments, a moderator approves it in the admin, and every reader then sees it."""

from django.urls import reverse
from playwright.sync_api import expect

from comments.models import Comment
from tests.support.browser import log_in_to_admin
from tests.support.factories import PostFactory

COMMENT = "Thank you for the roadmap: the part on *Kaggle* helped me."


def test_reader_comments_moderator_approves_and_others_see_it_only_then(
    people, commenting_site_url, moderator
):
    site = commenting_site_url
    post_url = site + PostFactory(title="Becoming an ML engineer").get_absolute_url()
    reader, someone_else, admin = people(3)

    reader.goto(post_url)
    expect(reader.get_by_role("heading", name="Comments (0)")).to_be_visible()
    reader.get_by_label("Name").fill("Grace")
    reader.get_by_label("Email", exact=True).fill("grace@example.com")
    reader.get_by_label("Comment", exact=True).fill(COMMENT)
    reader.get_by_role("button", name="Post comment").click()

    expect(reader.get_by_role("status")).to_contain_text("your comment is awaiting moderation")
    mine = reader.locator(".comment-awaiting")
    expect(mine).to_contain_text("Awaiting moderation: only you can see it for now.")
    expect(mine.locator("em")).to_have_text("Kaggle")
    comment = Comment.objects.get()
    assert comment.status == "pending"

    someone_else.goto(post_url)
    expect(someone_else.get_by_role("heading", name="Comments (0)")).to_be_visible()
    expect(someone_else.get_by_text("helped me")).to_have_count(0)

    log_in_to_admin(admin, site, moderator)
    admin.goto(site + reverse("admin:comments_comment_changelist"))
    admin.locator(f"input.action-select[value='{comment.pk}']").check()
    admin.get_by_role("combobox", name="Action").select_option(label="Approve selected comments")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("1 comment was approved.")

    someone_else.reload()
    expect(someone_else.get_by_role("heading", name="Comments (1)")).to_be_visible()
    shown = someone_else.locator(f"#comment-{comment.pk}")
    expect(shown).to_contain_text("Grace")
    expect(shown.locator("em")).to_have_text("Kaggle")
    reader.reload()
    expect(reader.locator(f"#comment-{comment.pk}")).not_to_contain_text("Awaiting moderation")
