"""Helpers for the import and export tests (tests/transfer/)."""

import io
import re
from html.parser import HTMLParser
from pathlib import Path

from django.core.management import call_command

IMPORT_DATA = Path(__file__).resolve().parents[1] / "data" / "import"
HANDWRITTEN_WXR = IMPORT_DATA / "handwritten.wordpress.xml"
REAL_WXR = IMPORT_DATA / "wordpress-6.4.3-theme-test-data.xml"
HANDWRITTEN_DISQUS = IMPORT_DATA / "handwritten.disqus.xml"


def run(command: str, *args) -> str:
    """Run a management command in this process; return what it printed."""
    out = io.StringIO()
    call_command(command, *[str(arg) for arg in args], stdout=out, stderr=io.StringIO())
    return out.getvalue()


def report_of(output: str) -> str:
    """The report an import printed, without its last line (written, or a dry run)."""
    return output.rstrip("\n").rsplit("\n", 1)[0]


class _TextParser(HTMLParser):
    SKIPPED = {"script", "style", "template"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in self.SKIPPED

    def handle_endtag(self, tag):
        self.skipping -= tag in self.SKIPPED and self.skipping > 0

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(" ".join(data.split()))


def page_text(html: str) -> str:
    """What a reader reads on a page: its text, one line per text node."""
    parser = _TextParser()
    parser.feed(html)
    return "\n".join(parser.parts)


# Characters XML 1.0 cannot carry at all, not even in CDATA: no export holds them.
NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def wxr_with_comments(bodies: list[str], title: str = "Hostile comments") -> str:
    """A small WXR file: one published post titled `title` with an approved comment for each
    body (less any character XML cannot carry)."""
    bodies = [NOT_IN_XML.sub("", body) for body in bodies]
    comments = "".join(
        f"""<wp:comment><wp:comment_id>{n}</wp:comment_id>
<wp:comment_author><![CDATA[Reader {n}]]></wp:comment_author>
<wp:comment_author_email>reader{n}@example.org</wp:comment_author_email>
<wp:comment_date_gmt>2020-01-01 00:00:{n % 60:02d}</wp:comment_date_gmt>
<wp:comment_content><![CDATA[{body.replace("]]>", "]]]]><![CDATA[>")}]]></wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>
<wp:comment_parent>0</wp:comment_parent></wp:comment>"""
        for n, body in enumerate(bodies, 1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Hostile</title><link>https://hostile.example.com</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://hostile.example.com</wp:base_blog_url>
<item><title>{title}</title><link>https://hostile.example.com/hostile/</link>
<dc:creator>someone</dc:creator><content:encoded><![CDATA[<p>Body.</p>]]></content:encoded>
<wp:post_id>1</wp:post_id><wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt>
<wp:post_name>hostile-comments</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>{comments}</item></channel></rss>
"""


def wxr_with_posts(count: int) -> str:
    """A WordPress export of `count` short published posts, as a blog of some years writes."""
    items = "".join(
        f"""<item><title>Post number {n}</title><link>https://big.example.com/{n}/</link>
<dc:creator>writer</dc:creator>
<content:encoded><![CDATA[<p>Paragraph {n} of a post about <em>models</em>.</p>]]></content:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt>
<wp:post_name>post-{n}</wp:post_name><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type></item>
"""
        for n in range(1, count + 1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Big</title><link>https://big.example.com</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://big.example.com</wp:base_blog_url>
{items}</channel></rss>
"""
