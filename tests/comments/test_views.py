"""The comments on the post page and the "Post a Comment" form, through HTTP."""

import json
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains

from comments.forms import token_scope
from comments.markup import render_comment
from comments.models import Comment
from ops import form_tokens
from tests.support.comments import comment_url, form_data
from tests.support.factories import CommentFactory, PostFactory, StaffFactory
from tests.support.forms import as_typed, find_form
from tests.support.inert_html import active_content

BAD_INPUTS = json.loads((Path(__file__).parents[1] / "data" / "bad_inputs.json").read_text())


def comments_section(response) -> str:
    """The comments shown on the page, without the form that follows them."""
    html = response.content.decode()
    return html[html.index('<section class="comments"') : html.index('id="post-a-comment"')]


def test_post_page_counts_and_shows_only_approved_comments(client, post):
    CommentFactory(post=post, name="Approved reader", body="Shown to everyone")
    for status in ["pending", "rejected", "spam"]:
        CommentFactory(post=post, status=status, name=f"{status} reader", body=f"{status} text")
    response = client.get(post.get_absolute_url())
    assertContains(response, '<h2 id="comments-heading">Comments (1)</h2>', html=True)
    assertContains(response, '<a href="#comments">1 comment</a>', html=True)
    assertContains(response, "Shown to everyone")
    for status in ["pending", "rejected", "spam"]:
        assertNotContains(response, f"{status} text")


def test_each_comment_shows_name_date_body_permalink_and_reply_link(client, post):
    comment = CommentFactory(post=post, name="Grace", body="Loved the *section* on MLOps.")
    response = client.get(post.get_absolute_url())
    assertContains(
        response,
        f"""<article class="comment" id="comment-{comment.pk}">
          <header class="comment-meta">
            <bdi class="comment-name">Grace</bdi>
            <a class="comment-permalink" href="#comment-{comment.pk}">
              <time datetime="{comment.created_at:%Y-%m-%dT%H:%M:%S+0000}">
                {comment.created_at:%B} {comment.created_at.day}, {comment.created_at:%Y, %H:%M}
              </time>
            </a>
          </header>
          <div class="comment-body" dir="auto"><p>Loved the <em>section</em> on MLOps.</p></div>
          <a class="comment-reply" href="?reply_to={comment.pk}#post-a-comment"
             aria-label="Reply to Grace">Reply</a>
        </article>""",
        html=True,
    )


def test_comments_are_in_order_with_replies_indented_under_their_parent(client, post):
    first = CommentFactory(post=post, body="First thread")
    second = CommentFactory(post=post, body="Second thread")
    CommentFactory(post=post, parent=first, body="Reply to first")
    CommentFactory(post=post, parent=first, status="pending", body="Pending reply")
    section = comments_section(client.get(post.get_absolute_url()))
    assert section.index("First thread") < section.index("Reply to first")
    assert section.index("Reply to first") < section.index("Second thread")
    replies = section[section.index(f'id="comment-{first.pk}"') : section.index("Second thread")]
    assert '<ol class="comment-replies">' in replies
    assert "Pending reply" not in section
    assert f'id="comment-{second.pk}"' in section


def test_staff_replies_are_marked_as_the_authors(client, post):
    thread = CommentFactory(post=post)
    CommentFactory(post=post, parent=thread, user=StaffFactory(), name="The author")
    CommentFactory(post=post, parent=thread, name="Someone claiming to be the author")
    response = client.get(post.get_absolute_url())
    assert response.content.decode().count('<span class="comment-badge">Author</span>') == 1


def test_comments_are_paginated_fifty_threads_a_page(client, post):
    Comment.objects.bulk_create(
        Comment(post=post, name=f"Reader {n}", email="r@example.com", body=f"Number {n}.",
                body_html=render_comment(f"Number {n}."), status="approved")
        for n in range(1, 52)
    )  # fmt: skip
    first_page = client.get(post.get_absolute_url())
    assertContains(first_page, "Number 50.")
    assertNotContains(first_page, "Number 51.")
    assertContains(first_page, "Comments page 1 of 2")
    second_page = client.get(post.get_absolute_url(), {"comment_page": 2})
    assertContains(second_page, "Number 51.")
    assertNotContains(second_page, "Number 50.")
    assertContains(client.get(post.get_absolute_url(), {"comment_page": "x"}), "Number 1.")


def add_approved_threads(post, count):
    """`count` approved comments: threads with a reply each, some by staff."""
    staff = StaffFactory()
    threads = Comment.objects.bulk_create(
        Comment(post=post, name=f"Reader {n}", email="r@example.com", body=f"Thread {n}",
                body_html=f"<p>Thread {n}</p>", status="approved")
        for n in range(count // 2 + count % 2)
    )  # fmt: skip
    Comment.objects.bulk_create(
        Comment(post=post, parent=thread, user=staff, name="Author", email="a@example.com",
                body="Thanks", body_html="<p>Thanks</p>", status="approved")
        for thread in threads[: count // 2]
    )  # fmt: skip


def test_post_page_query_count_is_the_same_with_5_and_500_comments(
    client, post, django_assert_num_queries
):
    add_approved_threads(post, 5)
    with CaptureQueriesContext(connection) as with_five:
        assertContains(client.get(post.get_absolute_url()), "Comments (5)")
    add_approved_threads(post, 495)
    with django_assert_num_queries(len(with_five)):
        assertContains(client.get(post.get_absolute_url()), "Comments (500)")


def test_reading_a_post_sets_no_cookie(client, post):
    CommentFactory(post=post, body="Read without a cookie")
    response = client.get(post.get_absolute_url())
    assertContains(response, "Read without a cookie")
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers


def test_form_has_a_visible_label_for_each_field_and_a_honeypot_hidden_by_css(client, post):
    response = client.get(post.get_absolute_url())
    for field_id, label in [("id_name", "Name"), ("id_email", "Email"), ("id_body", "Comment")]:
        assertContains(response, f'<label for="{field_id}">{label}</label>', html=True)
    assertContains(response, '<div class="form-field comment-form-honeypot">')
    assertContains(response, 'name="honeypot" autocomplete="off" tabindex="-1"')
    assertNotContains(response, 'type="hidden" name="honeypot"')
    css = (Path(__file__).parents[2] / "static" / "css" / "site.css").read_text()
    assert ".comment-form-honeypot { display: none; }" in css


def test_comments_feed_is_advertised_in_the_head(client, post):
    feed_url = reverse("comments:post-feed", kwargs={"slug": post.slug})
    html = client.get(post.get_absolute_url()).content.decode()
    head = html[: html.index("</head>")]
    link = f'<link rel="alternate" type="application/rss+xml" title="Comments on “{post.title}”"'
    assert f'{link} href="{feed_url}">' in head


def test_sending_a_comment_redirects_with_303_and_says_it_awaits_moderation(send_comment, post):
    response = send_comment()
    comment = Comment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Thank you: your comment is awaiting moderation and will appear once approved."
    ]
    assert comment.status == Comment.Status.PENDING
    assert (comment.name, comment.email, comment.ip_address) == (
        "Ada Lovelace",
        "ada@example.com",
        "198.51.100.7",
    )


def test_the_writer_sees_their_pending_comment_marked_and_nobody_else_does(
    client, send_comment, post
):
    response = send_comment(body="My *pending* words")
    cookie = response.cookies["own_comments"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    page = client.get(response["Location"])
    assertContains(page, "Thank you: your comment is awaiting moderation")
    assertContains(page, "<p>My <em>pending</em> words</p>", html=True)
    assertContains(page, "Awaiting moderation: only you can see it for now.")
    assertContains(page, "Comments (0)")

    someone_else = Client().get(post.get_absolute_url())
    assertNotContains(someone_else, "pending</em> words")
    assertNotContains(someone_else, "Awaiting moderation")


def test_a_tampered_own_comments_cookie_shows_nothing(post):
    pending = CommentFactory(post=post, status="pending", body="Somebody's pending comment")
    browser = Client()
    browser.cookies["own_comments"] = str(pending.pk)
    page = browser.get(post.get_absolute_url())
    assertContains(page, '<h2 id="comments-heading">Comments (0)</h2>', html=True)
    assertNotContains(page, "Somebody&#x27;s pending comment")
    assertNotContains(page, "Awaiting moderation")


def test_once_approved_the_comment_shows_like_any_other(client, send_comment, post):
    send_comment(body="Worth approving")
    Comment.objects.update(status=Comment.Status.APPROVED)
    page = client.get(post.get_absolute_url())
    assertContains(page, "<p>Worth approving</p>", count=1)  # besides its writer's own list
    assertNotContains(page, "Awaiting moderation")


def test_reply_link_opens_the_form_replying_to_that_comment(client, send_comment, post):
    thread = CommentFactory(post=post, name="Grace")
    page = client.get(post.get_absolute_url(), {"reply_to": thread.pk})
    assertContains(page, "Replying to <bdi>Grace</bdi>")
    assertContains(page, f'<input type="hidden" name="parent" value="{thread.pk}" id="id_parent">')
    send_comment(parent=str(thread.pk), body="A reply")
    assert Comment.objects.get(body="A reply").parent == thread


@pytest.mark.parametrize("reply_to", ["²", "9" * 5000, "-1", "1e3", "abc"])
def test_a_reply_link_with_a_strange_id_shows_the_plain_form(client, post, reply_to):
    page = client.get(post.get_absolute_url(), {"reply_to": reply_to})
    assert page.status_code == 200
    assertNotContains(page, "Replying to")


@pytest.mark.parametrize(
    ("parent", "message"),
    [
        ("9" * 23, f"Ensure this value is less than or equal to {2**63 - 1}."),
        ("-5", "Ensure this value is greater than or equal to 1."),
        ("0", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_a_reply_to_an_impossible_id_is_refused_with_a_message(send_comment, parent, message):
    response = send_comment(parent=parent, body="Still my words")
    assertContains(response, message, status_code=400)
    assertContains(response, "Still my words", status_code=400)
    assert not Comment.objects.exists()


def test_a_wrong_field_is_explained_next_to_it_and_everything_typed_is_kept(send_comment, post):
    response = send_comment(name="Ada", email="not an email", body="Keep *every* word & line\nx")
    assert response.status_code == 400
    assertContains(
        response,
        '<ul class="errorlist" id="id_email_error"><li>Enter a valid email address.</li></ul>',
        html=True,
        status_code=400,
    )
    assertContains(response, 'value="not an email"', status_code=400)
    assertContains(response, 'value="Ada"', status_code=400)
    assertContains(response, escape("Keep *every* word & line\nx"), status_code=400)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "N" * 81, "Ensure this value has at most 80 characters (it has 81)."),
        ("body", "b" * 5001, "Ensure this value has at most 5000 characters (it has 5001)."),
        ("name", "   ", "Please give a name; it is shown with your comment."),
        ("email", "", "Please give your email address; it is never shown."),
        ("body", " \n\t ", "Please write a comment."),
    ],
)
def test_limits_and_empty_fields_get_a_message(send_comment, field, value, message):
    response = send_comment(**{field: value})
    assertContains(response, message, status_code=400)
    assert not Comment.objects.exists()


NOT_VERIFIED = "This form could not be verified. Please send your comment again."
EXPIRED = (
    "This form was opened more than 1\xa0day ago. Please check your comment and send it again."
)


@pytest.mark.parametrize(
    ("token", "message", "sent_again_at_once"),
    [
        ("missing", NOT_VERIFIED, "too fast"),
        ("forged", NOT_VERIFIED, "too fast"),
        ("another post's", NOT_VERIFIED, "too fast"),
        ("expired", EXPIRED, "waits for a moderator"),
    ],
)
def test_a_form_refused_for_its_token_keeps_the_text_and_only_an_expired_one_may_be_sent_at_once(
    client, post, token, message, sent_again_at_once
):
    """The re-shown form carries a fresh token for this post. After an expired token it is dated
    back, so that resending straight away is not "too fast"; after a missing or forged one it is
    dated at the refusal (anyone can send a garbled token), so a bot resending at once is."""
    data = form_data(post, body="Words I typed", seconds_ago=86_401 if token == "expired" else 30)
    if token == "missing":
        del data["token"]
    elif token == "forged":
        data["token"] = "forged"
    elif token == "another post's":
        data["token"] = form_data(PostFactory())["token"]
    refused_at = timezone.now()
    response = client.post(comment_url(post), data)
    assertContains(response, message, status_code=400)
    assertContains(response, "Words I typed", status_code=400)
    assert not Comment.objects.exists()

    renewed = find_form(response.content.decode(), css_class="comment-form").fields
    assert renewed["token"] not in ("", data.get("token"))
    assert renewed["body"] == "Words I typed"
    dated = form_tokens.read(renewed["token"], token_scope(post))
    assert (dated >= refused_at.replace(microsecond=0)) == (sent_again_at_once == "too fast")
    assert client.post(comment_url(post), renewed).status_code == 303
    comment = Comment.objects.get()
    assert comment.body == "Words I typed"
    if sent_again_at_once == "too fast":
        assert comment.status == Comment.Status.SPAM
        assert comment.status_reason.startswith("too fast: ")
    else:
        assert comment.status == Comment.Status.PENDING


def test_comments_on_an_unpublished_post_are_refused(client, db):
    draft = PostFactory(status="draft")
    assert client.post(comment_url(draft), form_data(draft)).status_code == 404


def test_the_comment_address_only_accepts_post(client, post):
    assert client.get(comment_url(post)).status_code == 405


def test_a_moderators_own_comment_is_published_at_once_as_the_authors(client, post):
    staff = StaffFactory()
    client.force_login(staff)
    response = client.post(comment_url(post), form_data(post, user=staff, body="From the author"))
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert (comment.status, comment.user, comment.moderated_by) == ("approved", staff, staff)
    assertContains(client.get(post.get_absolute_url()), '<span class="comment-badge">Author</span>')


def test_permalink_leads_to_the_page_that_shows_the_comment(client, post):
    comments = [CommentFactory(post=post, body=f"Thread {n}") for n in range(51)]
    last = comments[-1]
    response = client.get(last.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}?comment_page=2#comment-{last.pk}"
    pending = CommentFactory(post=post, status="pending")
    assert client.get(pending.get_absolute_url()).status_code == 404


HOSTILE_CASES = [
    pytest.param(number, case, field, id=f"{field}: {case['why']}")
    for number, case in enumerate(BAD_INPUTS)
    for field in ["body", "name", "email"]
]


@pytest.mark.parametrize(("number", "case", "field"), HOSTILE_CASES)
def test_hostile_input_gets_the_outcome_bad_inputs_json_names(
    client, send_comment, post, number, case, field
):
    """Each input, in each field, from an address of its own: "shown" is stored pending and shown
    inertly once approved; "spam: <rule>" is filed as spam by that rule and never shown to other
    readers; "refused: <message>" gets 400, that message, and the form with everything as typed."""
    kind, _, detail = case["outcome"][field].partition(": ")
    response = send_comment(address=f"203.0.113.{number + 1}", **{field: case["input"]})

    if kind == "refused":
        assert response.status_code == 400
        errors = response.context["comment_form"].errors
        assert {name: " ".join(messages) for name, messages in errors.items()} == {field: detail}
        for message in errors[field]:
            assertContains(response, escape(message), status_code=400)
        shown = find_form(response.content.decode(), css_class="comment-form").fields
        typed = {**form_data(post), field: case["input"]}
        for name in ["name", "email", "body"]:
            assert shown[name] == as_typed(typed[name]), f"the {name} typed was lost"
        assert not Comment.objects.exists()
        return

    assert response.status_code == 303
    comment = Comment.objects.get()
    if kind == "spam":
        assert comment.status == Comment.Status.SPAM
        assert comment.status_reason.startswith(f"{detail}: ")
        page = Client().get(post.get_absolute_url())
        assertContains(page, '<h2 id="comments-heading">Comments (0)</h2>', html=True)
        assertNotContains(page, f'id="comment-{comment.pk}"')
        return

    assert kind == "shown", case["outcome"]
    assert comment.status == Comment.Status.PENDING
    Comment.objects.update(status=Comment.Status.APPROVED)
    page = client.get(post.get_absolute_url())
    assertContains(page, '<h2 id="comments-heading">Comments (1)</h2>', html=True)
    section = comments_section(page)
    assert f'id="comment-{comment.pk}"' in section
    assert active_content(section) == []


def test_template_syntax_in_a_comment_is_shown_as_typed(client, send_comment, post):
    send_comment(name="{{ request }}", body="{{ 7|add:7 }} {% debug %}")
    Comment.objects.update(status=Comment.Status.APPROVED)
    section = comments_section(client.get(post.get_absolute_url()))
    assert "{{ 7|add:7 }} {% debug %}" in section
    assert "{{ request }}" in section
