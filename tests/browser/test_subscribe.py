"""Subscribing to new posts from a page's footer in a browser without JavaScript, confirming
from the mailed link's button, then getting the next post by mail."""

from playwright.sync_api import expect

from notifications.models import NewPostSubscription
from tests.support.factories import PostFactory
from tests.support.mail import link_in, subject_of


def test_a_reader_subscribes_from_the_footer_confirms_and_gets_the_next_post(
    browser, commenting_site_url, mail
):
    post = PostFactory(title="On linkers")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(commenting_site_url + post.get_absolute_url())
        footer = page.locator("footer")
        footer.get_by_label("Your email address").fill("ada@example.com")
        footer.get_by_role("button", name="Subscribe").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

        [confirmation] = mail.wait_for("ada@example.com")
        assert subject_of(confirmation).startswith("Confirm your address")
        page.goto(link_in(confirmation, "/mail/confirm/"))
        expect(page.get_by_text("each new post", exact=True)).to_be_visible()
        assert not NewPostSubscription.objects.active().exists()
        page.get_by_role("button", name="Confirm my address").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Address confirmed")
    finally:
        context.close()

    PostFactory(title="On loaders", mail_subscribers=True)
    [_, news] = mail.wait_for("ada@example.com", count=2)
    assert subject_of(news).startswith("On loaders")
