import feedparser
from django.urls import reverse

from tests.support.factories import CommentFactory, PostFactory


def fetch_feed(client, post):
    response = client.get(reverse("comments:post-feed", kwargs={"slug": post.slug}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return feedparser.parse(response.content)


def test_comments_feed_lists_the_posts_approved_comments_newest_first(client, post):
    older = CommentFactory(post=post, name="Grace", body="Older *one*")
    newer = CommentFactory(post=post, name="Ada & Co", body="Newer <b>one</b>")
    CommentFactory(post=post, status="pending", body="Pending")
    CommentFactory(post=post, status="spam", body="Spam")
    CommentFactory(body="On another post")
    feed = fetch_feed(client, post)
    assert not feed.bozo
    assert feed.feed.title == f"Comments on “{post.title}”"
    assert [entry.title for entry in feed.entries] == ["Comment by Ada & Co", "Comment by Grace"]
    assert feed.entries[0].summary == newer.body_html.strip()
    assert feed.entries[1].summary == "<p>Older <em>one</em></p>"
    assert feed.entries[1].link == f"http://testserver{older.get_absolute_url()}"


def test_following_a_feed_entry_leads_to_the_comment_on_the_post(client, post):
    comment = CommentFactory(post=post)
    [entry] = fetch_feed(client, post).entries
    response = client.get(entry.link)
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"


def test_an_unpublished_posts_feed_is_not_found(client, db):
    draft = PostFactory(status="draft")
    assert client.get(reverse("comments:post-feed", kwargs={"slug": draft.slug})).status_code == 404
