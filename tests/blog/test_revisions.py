"""Revisions (blog/revisions.py): every save keeps one; the post's admin lists them, shows the
difference from the text now, and restores one as a new revision that renders the post again."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from blog import revisions
from blog.models import Post
from tests.support.factories import PostFactory

pytestmark = pytest.mark.django_db


def edit(post, **fields):
    for name, value in fields.items():
        setattr(post, name, value)
    post.save()
    return post


def test_every_save_keeps_a_revision_with_who_made_it(editor):
    post = PostFactory(body="First text.")
    post._history_user = editor
    edit(post, body="Second text.")
    history = list(post.history.order_by("history_date"))
    assert [revision.body for revision in history] == ["First text.", "Second text."]
    assert history[-1].history_user == editor


def test_the_difference_names_the_changed_words():
    post = PostFactory(body="The quick brown fox jumps.")
    first = post.history.earliest()
    edit(post, body="The quick red fox jumps.")
    body = next(field for field in revisions.difference(first, post) if field.label == "Body")
    assert ("removed", "brown") in [(change.kind, change.text) for change in body.changes]
    assert ("added", "red") in [(change.kind, change.text) for change in body.changes]


def test_restore_brings_the_text_back_renders_html_and_contents_and_is_a_new_revision(editor):
    post = PostFactory(
        title="Old title", body="## Old section\n\nOld words.\n\n## Another\n\nMore."
    )
    first = post.history.earliest()
    edit(post, title="New title", body="## New section\n\nNew words.")
    revisions.restore(post, first, editor)
    post = Post.objects.get(pk=post.pk)
    assert post.title == "Old title"
    assert '<h2 id="old-section">Old section</h2>' in post.body_html
    assert [entry["id"] for entry in post.outline] == ["old-section", "another"]
    latest = post.history.latest()
    assert post.history.count() == 3
    assert latest.history_user == editor
    assert latest.history_change_reason.startswith("Restored the revision of")


def test_restoring_keeps_the_status_and_publication_time():
    post = PostFactory(body="Old.")
    first = post.history.earliest()
    edit(post, body="New.", status=Post.Status.DRAFT)
    revisions.restore(post, first, None)
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert post.body == "Old."


def test_admin_lists_revisions_compares_and_restores(editor_client, editor):
    post = PostFactory(body="Alpha text.")
    edit(post, body="Beta text.")
    first = post.history.earliest()

    listing = editor_client.get(reverse("admin:blog_post_revisions", args=[post.pk]))
    assert listing.status_code == 200
    compare_url = reverse("admin:blog_post_revision", args=[post.pk, first.history_id])
    assert compare_url in listing.content.decode()

    comparison = editor_client.get(compare_url).content.decode()
    assert '<del class="diff-removed">Alpha</del>' in comparison
    assert '<ins class="diff-added">Beta</ins>' in comparison

    restore_url = reverse("admin:blog_post_restore", args=[post.pk, first.history_id])
    assert editor_client.get(restore_url).status_code == 405
    response = editor_client.post(restore_url)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "Alpha text."
    assert post.history.latest().history_user == editor


def test_saving_in_the_admin_records_the_editor(editor_client, editor):
    post = PostFactory(body="Before.")
    change_url = reverse("admin:blog_post_change", args=[post.pk])
    response = editor_client.post(
        change_url,
        {
            "title": post.title,
            "slug": post.slug,
            "description": post.description,
            "body": "After.",
            "status": post.status,
            "published_at_0": post.published_at.strftime("%Y-%m-%d"),
            "published_at_1": post.published_at.strftime("%H:%M:%S"),
            "author": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert post.history.latest().history_user == editor


def test_rerender_posts_renders_every_post_again_without_a_revision():
    post = PostFactory(body="```python\nx = 1\n```")
    Post.objects.filter(pk=post.pk).update(body_html="<p>stale</p>")
    count = post.history.count()
    call_command("rerender_posts", verbosity=0)
    post.refresh_from_db()
    assert '<span class="n">x</span>' in post.body_html
    assert post.history.count() == count
