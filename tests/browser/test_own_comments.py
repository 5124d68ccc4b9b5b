"""A writer edits and deletes their comment in the browser, JavaScript or not."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from comments.services import moderate
from tests.support.factories import CommentFactory, PostFactory, StaffFactory


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_writer_edits_and_deletes_and_nobody_else_can(
    browser, commenting_site_url, transactional_db, javascript
):
    site = commenting_site_url
    post = PostFactory(title="On regularisation")
    writer_context = browser.new_context(java_script_enabled=javascript)
    other_context = browser.new_context(java_script_enabled=javascript)
    writer, other = writer_context.new_page(), other_context.new_page()
    post_url = site + post.get_absolute_url()

    writer.goto(post_url)
    writer.get_by_label("Name").fill("Ada")
    writer.get_by_label("Email", exact=True).fill("ada@example.com")
    writer.get_by_label("Comment", exact=True).fill("Weight decay is L2 regularisation.")
    writer.get_by_role("button", name="Post comment").click()
    comment = Comment.objects.get()
    moderate(Comment.objects.filter(pk=comment.pk), "approved", StaffFactory())

    writer.goto(post_url)
    mine = writer.locator(".own-comments")
    expect(mine.get_by_role("link", name="Edit your comment")).to_be_visible()
    expect(mine.get_by_role("link", name="Delete your comment")).to_be_visible()
    # Each control names the comment it acts on, for a screen reader too.
    named = "Edit your comment “Weight decay is L2 regularisation.”"
    expect(mine.get_by_role("link", name=named, exact=True)).to_be_visible()
    expect(mine.locator(".own-comment-excerpt")).to_have_text("Weight decay is L2 regularisation.")
    other.goto(post_url)
    expect(other.locator(f"#comment-{comment.pk}")).to_contain_text("Weight decay")
    expect(other.get_by_role("link", name="Edit your comment")).to_have_count(0)
    expect(other.get_by_role("link", name="Delete your comment")).to_have_count(0)

    # A small edit: still published, marked "edited".
    mine.get_by_role("link", name="Edit your comment").click()
    writer.get_by_label("Comment").fill("Weight decay is L2 regularisation!")
    writer.get_by_role("button", name="Save my comment").click()
    expect(writer.get_by_role("status")).to_contain_text("Your comment is updated.")
    shown = writer.locator(f"#comment-{comment.pk}")
    expect(shown).to_contain_text("regularisation!")
    expect(shown.locator(".comment-edited")).to_have_text("edited")

    # A larger change goes back to the queue, with the reason the moderators see.
    writer.locator(".own-comments").get_by_role("link", name="Edit your comment").click()
    writer.get_by_label("Comment").fill("I now think dropout matters more than weight decay.")
    writer.get_by_role("button", name="Save my comment").click()
    expect(writer.get_by_role("status")).to_contain_text("waits for a moderator")
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert comment.status_reason.startswith("edited: ")
    moderate(Comment.objects.filter(pk=comment.pk), "approved", StaffFactory())

    # Deleted with a reply under it: the placeholder and the reply stay.
    reply = CommentFactory(post=post, parent=comment, status="approved", body="Both matter.")
    writer.goto(post_url)
    writer.locator(".own-comments").get_by_role("link", name="Delete your comment").click()
    writer.get_by_role("button", name="Delete my comment").click()
    expect(writer.get_by_role("status")).to_contain_text("Your comment is deleted.")
    other.reload()
    expect(other.locator(f"#comment-{comment.pk}")).to_have_text("Comment deleted.")
    expect(other.locator(f"#comment-{reply.pk}")).to_contain_text("Both matter.")
    expect(other.get_by_text("dropout")).to_have_count(0)
    writer_context.close()
    other_context.close()
