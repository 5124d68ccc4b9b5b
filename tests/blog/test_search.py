"""Full-text search: ranked results with marked snippets, a clear page for no results, and a clear
message (never a server error) for a query it cannot take."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from blog.forms import QUERY_MAX_LENGTH
from blog.models import Post
from blog.search import highlight, search_posts
from tests.support.factories import PostFactory

pytestmark = pytest.mark.django_db

GUIDE_TITLE = "How to Become a Machine Learning Engineer: A Comprehensive Guide"


def search(client, query):
    return client.get(reverse("blog:search"), {"q": query})


def test_kaggle_competitions_finds_the_guide(client, guide):
    response = search(client, "kaggle competitions")
    assert response.status_code == 200
    assertContains(response, f'<a href="{guide.get_absolute_url()}">{GUIDE_TITLE}</a>', html=True)
    assertContains(response, "1 post matches “kaggle competitions”.")


def test_a_phrase_from_the_guide_ranks_it_first_with_a_highlighted_snippet(client, guide):
    PostFactory(title="Notes on competitions", body="Competitions are fun.", description="Fun.")
    PostFactory(title="Unrelated", body="Nothing about that here.")
    phrase = "participate in machine learning competitions"
    results = list(search_posts(f'"{phrase}"'))
    assert results[0] == guide
    response = search(client, phrase)
    first = response.context["post_list"][0]
    assert first == guide
    assert "<mark>competitions</mark>" in highlight(first.snippet)
    assertContains(response, "<mark>Participate</mark> in <mark>machine</mark>")


def test_a_title_match_outranks_the_same_word_in_a_body(client):
    PostFactory(title="Plain notes", body="A word about transformers, once.")
    PostFactory(title="Transformers explained", body="Attention layers.")
    titles = [post.title for post in search_posts("transformers")]
    assert titles == ["Transformers explained", "Plain notes"]


def test_search_finds_words_in_any_form(client, guide):
    """English stemming: "competition" finds "competitions"."""
    assert list(search_posts("kaggle competition")) == [guide]


def test_search_follows_an_edit_as_soon_as_it_is_saved(client):
    """The vector is a stored generated column: PostgreSQL recomputes it on every write."""
    post = PostFactory(title="Notes", body="About gradient descent.")
    post.body = "About stochastic optimisers."
    post.save()
    assert list(search_posts("optimisers")) == [post]
    assert list(search_posts("gradient")) == []


def test_drafts_are_never_found(client):
    PostFactory(title="Secret quantum plans", status=Post.Status.DRAFT)
    assert list(search_posts("quantum")) == []


def test_snippet_shows_a_posts_text_escaped_with_only_the_matches_marked(client):
    PostFactory(body='Keep x < y && z > 0 in a notebook, never `<script>alert("x")</script>`.')
    response = search(client, "notebook")
    assert "<script>alert" not in response.content.decode()
    assertContains(response, "x &lt; y &amp;&amp; z &gt; 0 in a <mark>notebook</mark>")


def test_highlight_keeps_nothing_but_balanced_marks():
    snippet = "a \ue000match\ue001 <img src=x onerror=alert(1)> \ue000open"
    assert highlight(snippet) == (
        "a <mark>match</mark> &lt;img src=x onerror=alert(1)&gt; <mark>open</mark>"
    )


def test_query_with_no_match_gets_a_clear_no_results_page(client, guide):
    response = search(client, "quantum basket weaving")
    assert response.status_code == 200
    assertContains(response, "No results for “quantum basket weaving”")
    assertContains(response, f'href="{reverse("blog:post-list")}"')


def test_search_page_without_a_query_shows_just_the_form(client):
    response = client.get(reverse("blog:search"))
    assert response.status_code == 200
    assertContains(response, '<input type="search" name="q"', count=1)
    assertNotContains(response, "No results")


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query_is_refused_with_a_clear_message(client, query):
    response = search(client, query)
    assert response.status_code == 400
    assertContains(response, "Type a word or a phrase to search for.", status_code=400)


def test_over_long_query_is_refused_with_a_clear_message_and_kept_in_the_form(client):
    query = "learning " * 40
    response = search(client, query)
    assert response.status_code == 400
    assertContains(response, f"Search for at most {QUERY_MAX_LENGTH} characters.", status_code=400)
    assertContains(response, f'value="{query}"', status_code=400)


def test_query_with_a_nul_character_is_refused_not_a_server_error(client):
    response = search(client, "kaggle\x00")
    assertContains(response, "Null characters are not allowed.", status_code=400)


@pytest.mark.parametrize(
    "query", ['"', "-", "or", "the", "!!! ::* & | <>", '"unclosed phrase', "a:*", "\\"]
)
def test_odd_queries_get_a_page_not_a_server_error(client, guide, query):
    response = search(client, query)
    assert response.status_code == 200
    assertContains(response, "No results")


def test_every_page_has_a_labelled_search_field_in_its_header(client):
    response = client.get(reverse("blog:post-list"))
    assertContains(
        response,
        '<label class="visually-hidden" for="site-search-q">Search posts</label>',
        html=True,
    )
    assertContains(
        response,
        '<input type="search" id="site-search-q" name="q" placeholder="Search posts" required>',
        html=True,
    )


def test_results_are_paginated_and_keep_the_query(client):
    PostFactory.create_batch(12, body="Gradient boosting in practice.")
    response = search(client, "boosting")
    assert len(response.context["post_list"]) == 10
    assertContains(response, "12 posts match “boosting”.")
    assertContains(response, 'href="?q=boosting&amp;page=2"')
    assert (
        len(client.get(reverse("blog:search"), {"q": "boosting", "page": 2}).context["post_list"])
        == 2
    )
