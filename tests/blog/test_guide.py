"""The guide, loaded from fixtures/, reads on the page exactly as the seed text wrote it."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import strip_tags
from pytest_django.asserts import assertContains, assertNotContains

from blog.models import Post

SEED = Path(__file__).resolve().parent.parent / "data" / "guide_seed.txt"
GUIDE_TITLE = "How to Become a Machine Learning Engineer: A Comprehensive Guide"
SECTIONS = [
    "What is a Machine Learning Engineer?",
    "Skills Required to Become a Machine Learning Engineer",
    "Education and Experience Required to Become a Machine Learning Engineer",
    "How to Get Started",
]


def seed_article_lines() -> list[str]:
    """The seed's article lines: without the title and the blog's trailing comments section."""
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    article = lines[1 : lines.index("Comments")]
    # Numbered list markers are list structure, not sentences.
    return [re.sub(r"^\d+\.\s+", "", line) for line in article if line]


def sentences(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.?:!])\s+", text) if part]


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def guide_html(client, guide):
    response = client.get(guide.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_guide_is_published_under_its_title(guide):
    assert guide.title == GUIDE_TITLE
    assert guide.status == Post.Status.PUBLISHED
    assert Post.objects.published().get() == guide


def test_a_freshly_loaded_guide_is_not_shown_as_updated(client, guide):
    guide.refresh_from_db()
    assert guide.updated_at == guide.published_at
    response = client.get(guide.get_absolute_url())
    assertContains(response, f'<time datetime="{guide.published_at:%Y-%m-%dT%H:%M:%S+0000}">')
    assertNotContains(response, "Updated")


def test_loading_the_guide_twice_does_not_duplicate_it(guide):
    call_command("load_posts", "fixtures/posts", verbosity=0)
    assert Post.objects.count() == 1


def test_loading_the_guide_again_keeps_an_editors_changes(guide):
    guide.title = "Edited in the admin"
    guide.save()
    call_command("load_posts", "fixtures/posts", verbosity=0)
    guide.refresh_from_db()
    assert guide.title == "Edited in the admin"


def test_post_page_has_one_h1_equal_to_the_guide_title(guide_html):
    h1s = re.findall(r"<h1[^>]*>(.*?)</h1>", guide_html, flags=re.S)
    assert [strip_tags(h1).strip() for h1 in h1s] == [GUIDE_TITLE]


def article_of(html: str) -> str:
    return re.search(r"<article\b.*?</article>", html, flags=re.S).group(0)


def test_post_page_has_the_four_sections_as_h2_with_stable_ids(guide_html):
    h2s = re.findall(r'<h2 id="([^"]+)">(.*?)</h2>', article_of(guide_html), flags=re.S)
    titles = [strip_tags(text).strip() for _, text in h2s]
    assert titles == SECTIONS
    assert h2s[0][0] == "what-is-a-machine-learning-engineer"


def test_the_five_skills_are_one_ordered_list_led_by_their_lead_words(guide_html):
    lists = re.findall(r"<ol>(.*?)</ol>", article_of(guide_html), flags=re.S)
    skills = [
        normalise_space(strip_tags(item)) for item in re.findall(r"<li>(.*?)</li>", lists[0], re.S)
    ]
    assert len(skills) == 5
    assert skills[0] == (
        "Programming skills: Proficiency in programming languages such as Python, R, or Julia."
    )
    assert skills[4].startswith("Domain expertise: ")
    assert len(lists) == 4, "skills, degrees, experience and first steps are ordered lists"


def test_every_sentence_of_the_seed_article_is_on_the_page_verbatim(guide_html):
    page_text = normalise_space(strip_tags(guide_html)).replace("&#x27;", "'")
    page_text = page_text.replace("&quot;", '"').replace("&amp;", "&")
    missing = [
        sentence
        for line in seed_article_lines()
        for sentence in sentences(line)
        if sentence not in page_text
    ]
    assert missing == []


def test_first_and_last_paragraphs_are_verbatim(guide_html):
    lines = seed_article_lines()
    paragraphs = [
        normalise_space(strip_tags(p)).replace("&#x27;", "'")
        for p in re.findall(r"<p>(.*?)</p>", guide_html, flags=re.S)
    ]
    assert lines[0] in paragraphs
    assert lines[-1] in paragraphs


def test_comments_section_is_not_part_of_the_article(guide):
    assert "Post a Comment" not in guide.body


def test_post_page_names_the_post_and_describes_it(client, guide):
    response = client.get(guide.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>{GUIDE_TITLE}" in html
    assert f'<meta name="description" content="{guide.description}">' in html
    assert "min read" in html
    assert 'id="comments"' in html


def test_home_page_links_to_the_guide_with_date_and_description(client, guide):
    response = client.get(reverse("blog:post-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{guide.get_absolute_url()}"' in html
    assert guide.description in html
    assert guide.published_at.strftime("%B") in html
