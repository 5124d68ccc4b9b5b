"""Share-preview links (blog/sharing.py): a draft shown to whoever has its link, and to nobody
else; the link expires and can be revoked."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from blog import sharing
from blog.models import Post
from tests.support.factories import PostFactory

pytestmark = pytest.mark.django_db

PUBLIC_LISTS = [
    reverse("blog:post-list"),
    reverse("blog:feed-rss"),
    reverse("blog:feed-atom"),
    reverse("ops:sitemap"),
    reverse("blog:search") + "?" + urlencode({"q": "zanzibar"}),
]


@pytest.fixture
def draft(db):
    return PostFactory(
        title="Zanzibar draft",
        slug="zanzibar-draft",
        description="Zanzibar, not yet published.",
        body="Zanzibar notes with maths $x^2$.",
        status=Post.Status.DRAFT,
    )


def test_share_link_shows_the_draft_to_an_anonymous_reader_with_noindex(client, draft):
    response = client.get(sharing.share_url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Zanzibar draft</h1>" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert "<math" in html
    assert 'class="comment-form' not in html


def test_share_link_has_its_own_address_not_the_posts(draft):
    url = sharing.share_url(draft)
    assert not url.startswith(draft.get_absolute_url())
    assert draft.slug not in url


def test_the_draft_itself_stays_404_at_its_public_address(client, draft):
    client.get(sharing.share_url(draft))
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("path", PUBLIC_LISTS)
def test_a_shared_draft_is_absent_from_home_feeds_sitemap_and_search(client, draft, path):
    client.get(sharing.share_url(draft))
    response = client.get(path)
    assert response.status_code == 200
    assert "zanzibar-draft" not in response.content.decode()
    assert "Zanzibar draft" not in response.content.decode()


def test_a_revoked_link_answers_404_with_a_page_that_says_so(client, draft):
    old = sharing.share_url(draft)
    sharing.revoke(draft)
    response = client.get(old)
    assert response.status_code == 404
    assert "This preview link does not work" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert client.get(sharing.share_url(draft)).status_code == 200


def test_an_expired_link_answers_410_with_a_page_that_says_so(client, draft, settings):
    url = sharing.share_url(draft)
    settings.BLOG_SHARE_LINK_MAX_AGE = 60
    later = timezone.now() + timedelta(seconds=61)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.core.signing.time.time", lambda: later.timestamp())
        response = client.get(url)
    assert response.status_code == 410
    assert "This preview link has expired" in response.content.decode()


def test_links_expire_after_seven_days_by_default(settings):
    assert settings.BLOG_SHARE_LINK_MAX_AGE == 7 * 24 * 3600


@pytest.mark.parametrize("token", ["nonsense", "eyJwb3N0IjoxfQ:1abc:def"])
def test_a_forged_or_mistyped_link_answers_404(client, draft, token):
    response = client.get(reverse("blog:share-preview", kwargs={"token": token}))
    assert response.status_code == 404


def test_a_link_whose_payload_is_altered_answers_404(client, draft):
    token = sharing.share_url(draft).split("/")[-2]
    altered = ("A" if token[0] != "A" else "B") + token[1:]
    assert client.get(reverse("blog:share-preview", kwargs={"token": altered})).status_code == 404


def test_each_post_has_its_own_share_secret(draft):
    other = PostFactory()
    assert draft.share_secret != other.share_secret
    assert len(draft.share_secret) >= 20


def test_editor_makes_a_new_link_in_the_admin_and_the_old_one_stops_working(
    client, editor_client, draft
):
    old = sharing.share_url(draft)
    page = editor_client.get(reverse("admin:blog_post_share", args=[draft.pk]))
    assert page.status_code == 200
    assert "Share link" in page.content.decode()
    response = editor_client.post(reverse("admin:blog_post_share", args=[draft.pk]))
    assert response.status_code == 302
    assert client.get(old).status_code == 404


def test_the_change_page_of_a_draft_links_to_its_share_preview(editor_client, draft):
    page = editor_client.get(reverse("admin:blog_post_change", args=[draft.pk]))
    assert reverse("admin:blog_post_share", args=[draft.pk]) in page.content.decode()
