"""Four paths tried as a new user would: find the control by its label, use it, then reload the
public page as an anonymous reader and as the writer, with the page cache on (as `make run`)."""

from pathlib import Path

from django.urls import reverse
from playwright.sync_api import expect

from blog.models import Post
from comments.models import Comment
from comments.services import moderate
from tests.support.browser import log_in_to_admin
from tests.support.factories import PostFactory, StaffFactory
from tests.support.mail import link_in


def write_comment(page, post_url, text, email="ada@example.com"):
    page.goto(post_url)
    page.get_by_label("Name").fill("Ada")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Comment", exact=True).fill(text)
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_contain_text("awaiting moderation")


def test_a_deleted_comment_is_gone_for_the_writer_and_for_readers(
    people, commenting_site_url, transactional_db
):
    post = PostFactory(title="On dropout")
    post_url = commenting_site_url + post.get_absolute_url()
    writer, reader = people(2)
    write_comment(writer, post_url, "Dropout is a cheap ensemble.")
    moderate(Comment.objects.all(), "approved", StaffFactory())
    reader.goto(post_url)  # the page is now in the page cache and the reader's browser
    expect(reader.locator(".comment-list")).to_contain_text("cheap ensemble")

    writer.goto(post_url)
    expect(writer.locator(".comment-list")).to_contain_text("cheap ensemble")
    writer.get_by_role("link", name="Delete your comment").click()
    writer.get_by_role("button", name="Delete my comment").click()
    expect(writer.get_by_role("status")).to_contain_text("Your comment is deleted.")
    expect(writer.get_by_text("cheap ensemble")).to_have_count(0)

    writer.reload()
    expect(writer.get_by_text("cheap ensemble")).to_have_count(0)
    writer.goto(post_url)
    expect(writer.get_by_text("cheap ensemble")).to_have_count(0)
    reader.goto(post_url)
    expect(reader.get_by_text("cheap ensemble")).to_have_count(0)
    reader.reload()
    expect(reader.get_by_text("cheap ensemble")).to_have_count(0)
    assert not Comment.objects.exists()


def test_the_mailed_data_link_lists_every_comment_of_the_address(people, commenting_site_url, mail):
    first, second = PostFactory(title="On dropout"), PostFactory(title="On batch norm")
    writer, elsewhere = people(2)
    write_comment(writer, commenting_site_url + first.get_absolute_url(), "Dropout helps.")
    write_comment(
        writer,
        commenting_site_url + second.get_absolute_url(),
        "Batch norm too.",
        "Ada@Example.com",
    )
    moderate(Comment.objects.filter(body="Dropout helps."), "approved", StaffFactory())

    # From another browser, as someone who lost the first one: the footer's link.
    elsewhere.goto(commenting_site_url + first.get_absolute_url())
    elsewhere.get_by_role("link", name="Your comments and data").click()
    elsewhere.get_by_role("main").get_by_label("Email").fill("ada@example.com")
    elsewhere.get_by_role("button", name="Email me the link").click()
    expect(elsewhere.get_by_role("heading", name="Check your inbox")).to_be_visible()
    [message] = mail.wait_for("ada@example.com")

    elsewhere.goto(link_in(message, "/your-data/"))
    listed = elsewhere.locator(".comment-list li")
    expect(listed).to_have_count(2)
    expect(listed.filter(has_text="Dropout helps.")).to_contain_text("On dropout")
    expect(listed.filter(has_text="Batch norm too.")).to_contain_text("On batch norm")
    with elsewhere.expect_download() as download:
        elsewhere.get_by_role("button", name="Download them (JSON)").click()
    assert "Batch norm too." in Path(download.value.path()).read_text()

    elsewhere.get_by_role("button", name="Delete them all").click()
    expect(elsewhere.get_by_role("heading", name="Your data is deleted")).to_be_visible()
    assert not Comment.objects.exists()
    elsewhere.goto(commenting_site_url + first.get_absolute_url())
    expect(elsewhere.get_by_text("Dropout helps.")).to_have_count(0)


def test_a_restored_revision_is_what_readers_and_the_editor_see(people, site_url, transactional_db):
    editor = StaffFactory(is_superuser=True)
    post = PostFactory(title="Revised", body="The first draft says hello.")
    post_url = site_url + post.get_absolute_url()
    desk, reader = people(2)
    log_in_to_admin(desk, site_url, editor)
    desk.goto(site_url + reverse("admin:blog_post_change", args=[post.pk]))
    desk.get_by_label("Body").fill("The second draft says goodbye.")
    desk.get_by_role("button", name="Save and continue editing").click()
    desk.wait_for_url("**/change/")
    reader.goto(post_url)
    expect(reader.locator(".post-body")).to_contain_text("second draft says goodbye")

    desk.get_by_role("link", name="Revisions").click()
    oldest = desk.locator("table.revisions tbody tr").last
    oldest.get_by_role("link", name="Compare with now").click()
    desk.get_by_role("button", name="Restore this revision").click()
    desk.wait_for_url("**/change/")
    expect(desk.get_by_label("Body")).to_have_value("The first draft says hello.")

    for page in (reader, desk):
        page.goto(post_url)
        expect(page.locator(".post-body")).to_contain_text("The first draft says hello.")
        page.reload()
        expect(page.locator(".post-body")).to_contain_text("The first draft says hello.")


def test_a_drafts_change_page_shows_its_share_preview_link_with_a_copy_button(
    people, site_url, transactional_db
):
    editor = StaffFactory(is_superuser=True)
    post = PostFactory(title="A draft to share", status=Post.Status.DRAFT)
    desk, friend = people(2)
    desk.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    log_in_to_admin(desk, site_url, editor)
    desk.goto(site_url + reverse("admin:blog_post_changelist"))
    desk.get_by_role("link", name="A draft to share").click()

    shown = desk.get_by_label("Share preview link")
    expect(shown).to_be_visible()
    url = shown.input_value()
    assert url.startswith(site_url + "/preview/")
    desk.get_by_role("button", name="Copy the link").click()
    expect(desk.get_by_role("status")).to_contain_text("Copied")
    assert desk.evaluate("navigator.clipboard.readText()") == url

    friend.goto(url)
    expect(friend.get_by_role("heading", name="A draft to share", level=1)).to_be_visible()
    assert friend.goto(site_url + post.get_absolute_url()).status == 404  # still a draft
