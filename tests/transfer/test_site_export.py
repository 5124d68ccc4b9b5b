"""manage.py export_site and import_site: everything out as one JSON document, and back into a
freshly set-up site to the same pages."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import CommandError
from django.utils import timezone

from blog.models import Post, Series, Tag
from comments.models import Comment
from notifications.models import Address, NewPostSubscription
from tests.support.factories import CommentFactory, PostFactory
from tests.support.transfer import HANDWRITTEN_WXR, page_text, run
from transfer.models import Imported, OldPath

# A 1×1 PNG: an upload the export must carry.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360"
    "0000000200015e2a7ce10000000049454e44ae426082"
)


@pytest.fixture
def site(db, settings, tmp_path, editor):
    """A site with imported and native posts, threads, a staff reply, pending and spam comments,
    and an uploaded image."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COMMENTS_PER_PAGE = 2
    (tmp_path / "media" / "uploads").mkdir(parents=True)
    (tmp_path / "media" / "uploads" / "dot.png").write_bytes(PNG)
    editor.first_name, editor.last_name = "Edith", "Editor"
    editor.save()
    run("import_wordpress", HANDWRITTEN_WXR)
    native = PostFactory(
        slug="native", author=editor, body="Intro.\n\n## Part\n\n![A dot](/media/uploads/dot.png)"
    )
    thread = CommentFactory(post=native, body="A native thread", ip_address="192.0.2.1")
    CommentFactory(post=native, parent=thread, user=editor, name="Edith", body="Staff reply")
    CommentFactory(post=native, body="Second thread")
    CommentFactory(post=native, body="Third thread")
    CommentFactory(post=native, status="pending", body="Still waiting")
    CommentFactory(post=native, status="spam", status_reason="spam words: x", body="Spam")
    return tmp_path


def pages(client) -> dict[str, str]:
    """The text of every published post's pages of comments, and of the home page."""
    caches["template_fragments"].clear()
    texts = {"/": page_text(client.get("/").content.decode())}
    for post in Post.objects.published():
        url = post.get_absolute_url()
        page, number = client.get(url), 1
        while True:
            assert page.status_code == 200, url
            texts[f"{url}?comment_page={number}"] = page_text(page.content.decode())
            number += 1
            if f"?comment_page={number}#comments" not in page.content.decode():
                break
            page = client.get(url, {"comment_page": number})
    return texts


def empty_the_site(media_root) -> None:
    """What `manage.py setup` leaves: no content of ours but the guide."""
    Comment.objects.all().delete()
    Post.objects.all().delete()
    Tag.objects.all().delete()
    Series.objects.all().delete()
    get_user_model().objects.all().delete()
    for path in sorted(media_root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    run("load_posts", "fixtures/posts")


def test_export_then_import_into_a_fresh_site_gives_the_same_pages(site, client):
    before = pages(client)
    assert any("?comment_page=2" in url for url in before)  # comment pages, not only one
    assert "Staff reply" in before["/posts/native/?comment_page=1"]
    output = run("export_site", "--output", site / "out" / "site.json")
    assert "(no personal data)" in output
    counts = (Post.objects.count(), Comment.objects.count(), Imported.objects.count())
    old_paths = OldPath.objects.count()
    empty_the_site(site / "media")
    assert Post.objects.count() == 1  # the guide

    run("import_site", site / "out" / "site.json")

    assert (Post.objects.count(), Comment.objects.count(), Imported.objects.count()) == counts
    assert OldPath.objects.count() == old_paths
    assert pages(client) == before
    assert (site / "media" / "uploads" / "dot.png").read_bytes() == PNG
    assert 'width="1" height="1"' in Post.objects.get(slug="native").body_html  # its size read
    # Ids are kept and the sequences moved past them.
    last_post, last_comment = Post.objects.latest("pk").pk, Comment.objects.latest("pk").pk
    assert PostFactory().pk > last_post
    assert CommentFactory().pk > last_comment
    # The author is back as an account without a password or log-in, badge and name intact.
    editor = get_user_model().objects.get(username="editor")
    assert (editor.is_staff, editor.is_active, editor.has_usable_password()) == (True, False, False)
    # Importing again runs the WordPress import's idempotence on the restored records.
    assert "Nothing new was imported." in run("import_wordpress", HANDWRITTEN_WXR)


def test_personal_fields_are_absent_unless_asked_for(site):
    run("export_site", "--output", site / "plain.json")
    plain = json.loads((site / "plain.json").read_text())
    assert plain["personal_data"] is False
    for comment in plain["comments"]:
        assert not {"email", "ip_address", "user_agent", "notify_writer"} & comment.keys()
    assert all("email" not in account for account in plain["accounts"])
    text = (site / "plain.json").read_text()
    assert "charles@example.org" not in text
    assert "203.0.113.5" not in text

    run("export_site", "--output", site / "full.json", "--with-personal-data")
    full = json.loads((site / "full.json").read_text())
    charles = next(c for c in full["comments"] if c["body"].startswith("A first thread"))
    assert (charles["email"], charles["ip_address"]) == ("charles@example.org", "203.0.113.5")
    assert full["media"]["files"][0]["path"] == "uploads/dot.png"
    assert (site / "full-media" / "uploads" / "dot.png").read_bytes() == PNG


def test_import_site_refuses_a_site_with_content_of_its_own(site):
    run("export_site", "--output", site / "site.json")
    with pytest.raises(CommandError, match="freshly set-up site"):
        run("import_site", site / "site.json")


def test_import_site_refuses_what_is_not_an_export(db, tmp_path):
    (tmp_path / "other.json").write_text('{"posts": []}')
    with pytest.raises(CommandError, match="not a mlblog-site-export document"):
        run("import_site", tmp_path / "other.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(CommandError, match="not a readable JSON document"):
        run("import_site", tmp_path / "broken.json")


def test_an_import_that_fails_after_copying_the_uploads_leaves_none_of_them_served(site):
    """The files wait aside until the import commits: a failure serves nothing of it."""
    run("export_site", "--output", site / "out" / "site.json")
    document = json.loads((site / "out" / "site.json").read_text())
    del document["comments"][-1]["name"]  # read after the posts, long after the files
    (site / "out" / "site.json").write_text(json.dumps(document))
    empty_the_site(site / "media")

    with pytest.raises(CommandError, match="nothing was imported"):
        run("import_site", site / "out" / "site.json")

    assert [path for path in (site / "media").rglob("*") if path.is_file()] == []
    assert Post.objects.count() == 1  # the guide, still
    assert not Post.objects.filter(slug="native").exists()


def test_subscribers_to_new_posts_move_with_their_confirmed_state(site):
    now = timezone.now()
    confirmed = Address.objects.create(email="ada@example.com", confirmed_at=now)
    NewPostSubscription.objects.create(address=confirmed, active_since=now)
    waiting = Address.objects.create(email="grace@example.com")
    NewPostSubscription.objects.create(address=waiting)
    scheduled = PostFactory(mail_subscribers=True, published_at=now + timedelta(days=1))
    PostFactory(slug="mailed", mail_subscribers=True)
    run("export_site", "--output", site / "plain.json")
    assert json.loads((site / "plain.json").read_text())["subscribers"] == []  # personal data
    run("export_site", "--output", site / "full.json", "--with-personal-data")
    empty_the_site(site / "media")
    NewPostSubscription.objects.all().delete()
    Address.objects.all().delete()

    output = run("import_site", site / "full.json")

    assert "2 subscribers to new posts." in output
    ada, grace = NewPostSubscription.objects.select_related("address").order_by("address__email")
    assert (ada.address.email, ada.active_since, ada.address.confirmed_at) == (
        "ada@example.com",
        now,
        now,
    )
    assert (grace.address.email, grace.active_since, grace.address.confirmed_at) == (
        "grace@example.com",
        None,
        None,
    )
    # Still to be mailed when its time comes; a public post is not mailed again.
    assert Post.objects.get(pk=scheduled.pk).mail_subscribers is True
    assert Post.objects.get(slug="mailed").mail_subscribers is False


def test_titles_with_line_breaks_are_imported_on_one_line(site):
    """A line break in a title would stop every mail about the post (its subject)."""
    Series.objects.create(title="Getting started", slug="getting-started")
    PostFactory(slug="broken")
    run("export_site", "--output", site / "site.json")
    document = json.loads((site / "site.json").read_text())
    [post] = [entry for entry in document["posts"] if entry["slug"] == "broken"]
    post["title"] = "A title\non\r\n\ttwo lines"
    document["series"][0]["title"] = "Getting\nstarted"
    (site / "site.json").write_text(json.dumps(document))
    empty_the_site(site / "media")

    run("import_site", site / "site.json")

    assert Post.objects.get(slug="broken").title == "A title on two lines"
    assert Series.objects.get().title == "Getting started"


def test_tags_series_and_bylines_move_with_their_posts(site, client):
    native = Post.objects.get(slug="native")
    learning = Tag.objects.create(name="Learning <b>paths</b>", slug="learning-paths")
    series = Series.objects.create(
        title="Getting started", slug="getting-started", description="From zero."
    )
    second = PostFactory(slug="second", byline="Guest Writer", series=series, series_order=2)
    native.series, native.series_order = series, 1
    native.save()
    native.tags.add(learning)
    second.tags.add(learning)
    addresses = [learning.get_absolute_url(), series.get_absolute_url(), "/posts/second/"]
    before = {url: page_text(client.get(url).content.decode()) for url in addresses}
    assert "Part 2 of 2" in before["/posts/second/"]
    run("export_site", "--output", site / "out" / "site.json")
    empty_the_site(site / "media")

    output = run("import_site", site / "out" / "site.json")

    assert f"{Tag.objects.count()} tags, 1 series" in output
    caches["template_fragments"].clear()
    assert {url: page_text(client.get(url).content.decode()) for url in addresses} == before
    assert set(Post.objects.get(slug="native").tags.all()) == {Tag.objects.get(slug=learning.slug)}
    assert Post.objects.get(slug="second").byline == "Guest Writer"
    assert (
        Tag.objects.create(name="Later", slug="later").pk > learning.pk
    )  # the sequence moved past the ids
