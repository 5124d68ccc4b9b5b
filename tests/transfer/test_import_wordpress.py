"""manage.py import_wordpress: a WordPress export's posts and comments, once, all or nothing."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from blog.models import Post, Tag
from blog.search import search_posts
from comments.models import Comment
from comments.signals import comment_submitted, comments_published
from ops.models import OutgoingMail
from tests.support.factories import CommentFactory, PostFactory
from tests.support.inert_html import active_content
from tests.support.transfer import HANDWRITTEN_WXR, REAL_WXR, report_of, run, wxr_with_comments
from transfer.models import Imported, OldPath

BAD_INPUTS = json.loads((Path(__file__).parents[1] / "data" / "bad_inputs.json").read_text())


@pytest.fixture
def imported(db):
    """The hand-written WXR, imported; what the command printed."""
    return run("import_wordpress", HANDWRITTEN_WXR)


def by_name(name: str) -> Comment:
    return Comment.objects.get(name=name)


def test_published_posts_show_with_their_approved_comments_threaded(client, imported):
    engines = Post.objects.get(slug="hello-engines")
    assert engines.status == Post.Status.PUBLISHED
    response = client.get(engines.get_absolute_url())
    assertContains(response, "The Analytical Engine <strong>weaves</strong>", html=False)
    assertContains(response, "A first thread: the mill is the clever part.")
    assertContains(response, "A reply in the first thread")
    assertContains(response, "A reply to the reply")
    first = Comment.objects.get(body__startswith="A first thread")
    assert first.parent is None
    assert by_name("Mary").parent == first
    # A reply to a reply joins its thread (one level deep).
    assert Comment.objects.get(body__startswith="A reply to the reply").parent == first
    assert Comment.objects.get(body__startswith="A first thread").body == (
        "A first thread: the mill is the clever part.\n\nSecond paragraph of the first thread.\n"
    )
    second = Post.objects.get(slug="privet-mir")
    assertContains(client.get(second.get_absolute_url()), "Hello from the second post.")


def test_pending_comment_waits_in_the_moderation_queue_and_spam_is_spam(
    client, imported, moderator_client
):
    waiting = by_name("Waiting Reader")
    assert waiting.status == Comment.Status.PENDING
    assert list(Comment.objects.pending()) == [waiting]
    assert by_name("Cheap Pills").status == Comment.Status.SPAM
    page = client.get(Post.objects.get(slug="hello-engines").get_absolute_url())
    assertNotContains(page, "still waiting for moderation")
    assertNotContains(page, "spam-marked pills")
    queue = moderator_client.get("/admin/comments/comment/?status__exact=pending")
    assertContains(queue, "Waiting Reader")


def test_trash_and_pingback_are_absent_and_counted_in_the_report(imported):
    assert not Comment.objects.filter(name__in=["Binned", "Another Blog"]).exists()
    assert "Comments: 7 created, 1 skipped (a pingback), 1 skipped (in the trash)" in imported
    assert "comment 106 on “Hello, engines”: in the trash" in imported
    assert "comment 107 on “Hello, engines”: a pingback" in imported
    assert Comment.objects.count() == 7


def test_script_in_a_comment_is_inert(client, imported):
    comment = Comment.objects.get(body__startswith="Scripted hello")
    assert active_content(comment.body_html) == []
    assert "__pwned" not in comment.body_html
    page = client.get(comment.post.get_absolute_url())
    assertContains(page, "Scripted hello")
    assertContains(page, "Mallory &lt;b&gt;Bold&lt;/b&gt;")  # a name is text
    assert comment.ip_address is None  # "not an address" is not stored
    assert "comment 108 on “Hello, engines”: <script> ×1" in imported


def test_every_hostile_input_in_the_corpus_is_inert_in_an_imported_comment(db, tmp_path):
    """tests/data/bad_inputs.json applies to imports too."""
    wxr = tmp_path / "hostile.xml"
    wxr.write_text(wxr_with_comments([case["input"] for case in BAD_INPUTS]), encoding="utf-8")
    run("import_wordpress", wxr)
    for comment in Comment.objects.all():
        assert active_content(comment.body_html) == [], comment.body


def test_second_run_creates_nothing_and_says_so(imported):
    counts = (Post.objects.count(), Comment.objects.count(), OldPath.objects.count())
    again = run("import_wordpress", HANDWRITTEN_WXR)
    assert (Post.objects.count(), Comment.objects.count(), OldPath.objects.count()) == counts
    assert "Posts: 3 already imported" in again
    assert "Comments: 7 already imported" in again
    assert "Nothing new was imported." in again


def test_dry_run_changes_nothing_and_prints_the_same_report(db):
    dry = run("import_wordpress", HANDWRITTEN_WXR, "--dry-run")
    assert Post.objects.count() == Comment.objects.count() == Imported.objects.count() == 0
    assert OldPath.objects.count() == 0
    assert dry.rstrip().endswith("Dry run: nothing was written.")
    real = run("import_wordpress", HANDWRITTEN_WXR)
    assert report_of(dry) == report_of(real)
    assert Post.objects.count() == 3


def test_draft_without_post_name_or_date_gets_a_slug_from_its_title(client, imported):
    draft = Post.objects.get(title="Unfinished thoughts")
    assert draft.slug == "unfinished-thoughts"
    assert draft.status == Post.Status.DRAFT
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_percent_encoded_unicode_slug_becomes_one_the_url_converter_accepts(client, imported):
    post = Post.objects.get(title="Привет, мир")
    assert post.slug == "privet-mir"
    assert post.description == "A classic-editor post, with no paragraph tags."
    page = client.get(post.get_absolute_url())
    assertContains(page, "A classic-editor post, with no paragraph tags.</p>", html=False)
    assertContains(page, "<p>WordPress makes paragraphs of blank lines when it shows it.</p>")


def test_old_address_redirects_permanently_to_the_new_one(client, imported):
    engines = Post.objects.get(slug="hello-engines")
    response = client.get("/2019/05/hello-engines/")
    assertRedirects(response, engines.get_absolute_url(), status_code=301)
    unicode_path = "/2019/06/%d0%bf%d1%80%d0%b8%d0%b2%d0%b5%d1%82-%d0%bc%d0%b8%d1%80/"
    assertRedirects(client.get(unicode_path), "/posts/privet-mir/", status_code=301)
    # A draft's old address does not reveal its slug.
    assert client.get("/?p=13").status_code == 200  # the home page, not a redirect
    assert client.get("/nowhere/").status_code == 404


def test_dates_come_from_the_gmt_fields_and_updated_at_from_post_modified_gmt(imported):
    engines = Post.objects.get(slug="hello-engines")
    assert engines.published_at == datetime(2019, 5, 15, 9, 30, tzinfo=UTC)
    assert engines.updated_at == datetime(2020, 1, 2, 3, 5, 6, tzinfo=UTC)
    assert by_name("Mary").created_at == datetime(2019, 5, 16, 9, 0, tzinfo=UTC)
    assert str(by_name("Ivan").ip_address) == "2001:db8::5"


@override_settings(COMMENTS_FLOOD_LIMIT=1, COMMENTS_SPAM_WORDS=["clever", "numbers"])
def test_import_skips_anti_spam_flood_limit_signals_and_mail(db):
    heard = []

    def listener(**kwargs):
        heard.append(kwargs)

    comments_published.connect(listener)
    comment_submitted.connect(listener)
    try:
        run("import_wordpress", HANDWRITTEN_WXR)
    finally:
        comments_published.disconnect(listener)
        comment_submitted.disconnect(listener)
    # Spam words and two comments from one address did not hold anything.
    assert Comment.objects.get(body__startswith="A first thread").status == "approved"
    assert Comment.objects.get(body__startswith="A reply to the reply").status == "approved"
    assert heard == []
    assert OutgoingMail.objects.count() == 0


def test_posts_get_html_outline_reading_time_and_search_vector(imported):
    engines = Post.objects.get(slug="hello-engines")
    assert engines.body.startswith("The Analytical Engine **weaves** algebraic patterns.")
    assert "## How it works" in engines.body
    assert engines.outline[0]["text"] == "How it works"
    assert engines.reading_time_minutes == 1
    assert engines.description == "How the engine weaves algebraic patterns."
    assert list(search_posts("analytical")) == [engines]


def test_remote_images_are_listed_and_become_links_and_embeds_are_reported(imported):
    engines = Post.objects.get(slug="hello-engines")
    url = "https://old.example.com/wp-content/uploads/2019/05/engine.jpg"
    assert f"[Image: The engine]({url})" in engines.body
    assert f"post 11 “Hello, engines”: {url}" in imported
    assert "post 11 “Hello, engines”: <iframe> ×1" in imported
    assert "<img" not in engines.body_html


def test_authors_are_not_created_as_accounts_their_names_are_kept(imported):
    assert get_user_model().objects.count() == 0
    record = Imported.objects.get(kind="post", source_id="11")
    assert record.author_name == "Ada Lovelace"
    assert record.source == "https://old.example.com"


def test_a_post_whose_slug_is_taken_leaves_the_existing_post_untouched_and_says_so(db):
    ours = PostFactory(slug="hello-engines", title="Our own engines", body="Ours.")
    CommentFactory(post=ours, body="Our own comment")
    before = Post.objects.values().get(pk=ours.pk)
    report = run("import_wordpress", HANDWRITTEN_WXR)
    assert Post.objects.values().get(pk=ours.pk) == before
    assert list(ours.comments.values_list("body", flat=True)) == ["Our own comment"]
    imported = Post.objects.get(title="Hello, engines")
    assert imported.slug == "hello-engines-2"
    assert imported.comments.count() == 6
    assert "“hello-engines” is taken by “Our own engines”; imported as “hello-engines-2”" in report
    # Running again finds the imported post by its source id, never ours by its slug.
    run("import_wordpress", HANDWRITTEN_WXR)
    assert Post.objects.values().get(pk=ours.pk) == before
    assert Post.objects.count() == 4


def test_real_wordpress_export_imports_as_well_as_the_hand_written_one(client, db):
    """A file exported by WordPress 6.4.3 (tests/data/import/README.md)."""
    report = run("import_wordpress", REAL_WXR)
    assert "Posts: 10 created" in report
    assert "Comments: 2 created" in report
    assert "page 353 “How to use the test data”: not a post: page" in report
    # Two posts there share the slug "footnotes": the second is imported under a new one.
    assert "“footnotes” is taken by “Footnotes”; imported as “footnotes-2”" in report
    assert Post.objects.published().count() == 10
    for post in Post.objects.all():
        page = client.get(post.get_absolute_url())
        assert page.status_code == 200, post.slug
        assert active_content(post.body_html) == [], post.slug
    comments = Post.objects.get(slug="comments").comments.order_by("created_at")
    example, reply = comments
    assert (example.body, example.parent) == ("Example comment.\n", None)
    assert reply.parent == example
    assertRedirects(client.get("/comments/"), "/posts/comments/", status_code=301)
    code = Post.objects.get(slug="code")
    assert "```" in code.body
    assert "Nothing new was imported." in run("import_wordpress", REAL_WXR)


def test_categories_and_tags_become_tags_and_the_author_shows_on_the_post(client, db):
    run("import_wordpress", REAL_WXR)
    names = dict(Tag.objects.values_list("slug", "name"))
    # WordPress's categories and tags alike; its default category, given to every post, is not.
    assert {"text", "border", "media", "widgets", "theme"} <= set(names)
    assert "uncategorized" not in names
    code = Post.objects.get(slug="code")
    assert set(code.tags.values_list("slug", flat=True)) == {"border", "text"}
    # A term used by many posts is one tag, whose page lists them.
    page = client.get("/tags/text/")
    assertContains(page, "Paragraph")
    assertContains(page, Post.objects.get(slug="heading").title)
    author = Imported.objects.get(post=code).author_name
    assertContains(client.get(code.get_absolute_url()), author)


def test_a_hostile_term_name_is_inert_and_one_that_makes_no_address_is_reported(
    client, db, tmp_path
):
    hostile = '<script>alert("tag")</script><img src=x onerror=alert(1)>Engines'
    wxr = tmp_path / "terms.xml"
    wxr.write_text(
        HANDWRITTEN_WXR.read_text(encoding="utf-8").replace(
            '<category domain="category" nicename="engines"><![CDATA[Engines]]></category>',
            f'<category domain="category" nicename="engines"><![CDATA[{hostile}]]></category>'
            '<category domain="post_tag" nicename=""><![CDATA[!!!]]></category>',
        ),
        encoding="utf-8",
    )
    report = run("import_wordpress", wxr)
    assert "its name makes no address" in report
    tag = Tag.objects.get(slug="engines")
    assert tag.name == hostile
    for url in (tag.get_absolute_url(), "/posts/hello-engines/"):
        html = client.get(url).content.decode()
        # Shown as the text it is, never as markup.
        assert "&lt;script&gt;alert(&quot;tag&quot;)&lt;/script&gt;&lt;img" in html, url
        assert "<script>alert" not in html and "<img src=x" not in html, url


def test_a_title_with_line_breaks_is_imported_on_one_line(db, tmp_path):
    """A line break in a title would stop every mail about the post (its subject)."""
    wxr = tmp_path / "titled.xml"
    wxr.write_text(wxr_with_comments([], title="Hostile\ncomments,\r\n\tpart two  "))
    run("import_wordpress", wxr)
    assert Post.objects.get(slug="hostile-comments").title == "Hostile comments, part two"
