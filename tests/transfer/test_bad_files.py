"""A file that is malformed, holds an entity bomb or a DTD, or is not XML at all: exit code 1, a
clear message, and nothing written."""

import os

import pytest
from django.core.management import CommandError

from blog.models import Post
from comments.models import Comment
from tests.support.servers import database_url, manage
from tests.support.transfer import HANDWRITTEN_WXR, IMPORT_DATA, run
from transfer.models import Imported

CASES = [
    ("import_wordpress", "malformed.wordpress.xml", "not well-formed XML (unclosed token) at line"),
    ("import_wordpress", "entity-bomb.xml", "declares a DTD"),
    ("import_wordpress", "external-entity.xml", "declares a DTD"),
    ("import_wordpress", "not-xml.json", "not an XML file"),
    ("import_disqus", "entity-bomb.xml", "declares a DTD"),
    ("import_disqus", "handwritten.wordpress.xml", "not a Disqus export"),
    ("import_wordpress", "handwritten.disqus.xml", "not a WordPress export"),
]


@pytest.mark.parametrize(("command", "name", "message"), CASES)
def test_bad_file_exits_1_with_a_clear_message_and_writes_nothing(db, command, name, message):
    env = {**os.environ, "DATABASE_URL": database_url()}
    result = manage(command, str(IMPORT_DATA / name), env=env, check=False)
    assert result.returncode == 1
    assert message in result.stderr
    assert "nothing was imported" in result.stderr or "not a" in result.stderr
    assert "Traceback" not in result.stderr
    assert Post.objects.count() == Comment.objects.count() == Imported.objects.count() == 0


def test_a_bad_date_deep_in_the_file_says_where_and_writes_nothing(db, tmp_path):
    text = HANDWRITTEN_WXR.read_text(encoding="utf-8")
    broken = tmp_path / "bad-date.xml"
    broken.write_text(
        text.replace(
            "<![CDATA[2019-05-16 09:00:00]]></wp:comment_date_gmt>",
            "<![CDATA[2019-13-99]]></wp:comment_date_gmt>",
        )
    )
    with pytest.raises(CommandError, match=r"item 1 \(post 11\), comment 102: “2019-13-99”"):
        run("import_wordpress", broken)
    assert Post.objects.count() == Comment.objects.count() == 0


DEEP_HTML = "<div>" * 50_000 + "Deep down." + "</div>" * 50_000


def wxr_with_deep_html(tmp_path, *, replacing: str) -> str:
    """The handwritten export with the text `replacing` (a post's or a comment's) turned into
    50,000 nested <div>."""
    text = HANDWRITTEN_WXR.read_text(encoding="utf-8")
    assert replacing in text
    path = tmp_path / "deep.wordpress.xml"
    path.write_text(text.replace(replacing, DEEP_HTML, 1), encoding="utf-8")
    return path


def test_a_post_of_50000_nested_divs_is_a_bad_post_said_clearly_and_writes_nothing(db, tmp_path):
    path = wxr_with_deep_html(
        tmp_path,
        replacing="<p>The Analytical Engine <strong>weaves</strong> algebraic patterns.</p>",
    )
    env = {**os.environ, "DATABASE_URL": database_url()}
    result = manage("import_wordpress", str(path), env=env, check=False)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "post 11 “Hello, engines”: its HTML nests elements 50,000 deep, and at most 100 can be "
        "converted; nothing was imported"
    ) in result.stderr
    assert Post.objects.count() == Comment.objects.count() == Imported.objects.count() == 0


def test_a_comment_of_50000_nested_divs_is_said_clearly_and_writes_nothing(db, tmp_path):
    path = wxr_with_deep_html(tmp_path, replacing="A reply in the first thread: and the store?")
    with pytest.raises(CommandError, match=r"comment \d+ on “Hello, engines”: its HTML nests"):
        run("import_wordpress", path)
    assert Post.objects.count() == Comment.objects.count() == Imported.objects.count() == 0
