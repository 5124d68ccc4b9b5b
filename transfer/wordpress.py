"""Reading a WordPress export (WXR 1.0 to 1.2: Tools → Export, or `wp export`).

WXR is RSS 2.0 with WordPress's own elements: each <item> is a post, page, attachment, menu
item..., told apart by <wp:post_type>, with its comments inside it. The wp namespace has been
written with http and https and several versions, so elements are matched by local name.
"""

import re
from datetime import datetime
from urllib.parse import urlsplit

from blog.models import Post
from comments.models import Comment
from ops.progress import Progress
from transfer import importing
from transfer.importing import SourceComment, SourcePost
from transfer.report import Report
from transfer.xmlfile import ImportFileError, read_xml

NAMESPACES = {
    "wp": re.compile(r"^https?://wordpress\.org/export/1\.\d+/$"),
    "excerpt": re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$"),
    "content": re.compile(r"^http://purl\.org/rss/1\.0/modules/content/$"),
    "dc": re.compile(r"^http://purl\.org/dc/elements/1\.1/$"),
    "": re.compile(r"^$"),
}
NO_DATE = "0000-00-00 00:00:00"
# The <category domain="..."> of an item that become our tags.
TAXONOMIES = ("category", "post_tag")
DEFAULT_CATEGORY = "uncategorized"

POST_STATUSES = {
    "publish": Post.Status.PUBLISHED,
    # Scheduled: published, with its time still to come (blog.models.published_lookup).
    "future": Post.Status.PUBLISHED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.DRAFT,
    "private": Post.Status.DRAFT,
}
COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
}


def children(element, name: str):
    """`element`'s children named `prefix:local`, in any version of the prefix's namespace."""
    prefix, _, local = name.rpartition(":")
    pattern = NAMESPACES[prefix]
    for child in element:
        namespace, _, tag = child.tag[1:].rpartition("}") if child.tag[0] == "{" else ("", "", "")
        tag = tag or child.tag
        if tag == local and pattern.match(namespace):
            yield child


def child_text(element, name: str) -> str:
    """The text of `element`'s first child named `prefix:local`, or ""."""
    child = next(children(element, name), None)
    return "" if child is None or child.text is None else child.text


def parse_date(text: str, where: str) -> datetime | None:
    text = (text or "").strip()
    if not text or text == NO_DATE:
        return None
    try:
        return importing.aware(datetime.strptime(text, "%Y-%m-%d %H:%M:%S"))
    except ValueError:
        raise ImportFileError(f"{where}: “{text}” is not a date (YYYY-MM-DD HH:MM:SS)") from None


class Export:
    """What a WXR file holds, read and checked before anything is written."""

    def __init__(self, path, progress: Progress):
        root = read_xml(path, progress)
        channel = root.find("channel")
        if root.tag != "rss" or channel is None or not child_text(channel, "wp:wxr_version"):
            raise ImportFileError(
                f"{path}: not a WordPress export (no <rss><channel> with <wp:wxr_version>)"
            )
        self.version = child_text(channel, "wp:wxr_version").strip()
        site = (child_text(channel, "wp:base_blog_url") or child_text(channel, "link")).strip()
        parts = urlsplit(site)
        self.source = f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"
        self.authors = {
            child_text(author, "wp:author_login"): child_text(author, "wp:author_display_name")
            for author in children(channel, "wp:author")
        }
        self.items = [
            self._item(item, f"{path}: item {n}") for n, item in enumerate(channel.iter("item"), 1)
        ]

    def _item(self, item, where):
        post_id = child_text(item, "wp:post_id").strip()
        where = f"{where} (post {post_id or '?'})"
        if not post_id:
            raise ImportFileError(f"{where}: no <wp:post_id>")
        creator = child_text(item, "dc:creator")
        wp_status = child_text(item, "wp:status").strip()
        notes = []
        if wp_status == "private":
            notes.append("private there: imported as a draft")
        if child_text(item, "wp:post_password"):
            notes.append("password-protected there: imported as a draft")
        status = POST_STATUSES.get(wp_status)
        if child_text(item, "wp:post_password"):
            status = Post.Status.DRAFT
        published_at = parse_date(child_text(item, "wp:post_date_gmt"), where)
        if published_at is None and status == Post.Status.PUBLISHED:
            # Only drafts go without a GMT date; take the local one as UTC rather than none.
            published_at = parse_date(child_text(item, "wp:post_date"), where)
        return {
            "type": child_text(item, "wp:post_type").strip(),
            "wp_status": wp_status,
            "post": SourcePost(
                id=post_id,
                title=child_text(item, "title"),
                html=child_text(item, "content:encoded"),
                excerpt_html=child_text(item, "excerpt:encoded"),
                slug=child_text(item, "wp:post_name").strip(),
                status=status,
                published_at=published_at,
                updated_at=parse_date(child_text(item, "wp:post_modified_gmt"), where),
                link=child_text(item, "link").strip(),
                author_name=self.authors.get(creator) or creator,
                notes=notes,
                tags=self._terms(item),
            ),
            "comments": [self._comment(comment, where) for comment in children(item, "wp:comment")],
        }

    @staticmethod
    def _terms(item) -> list[tuple[str, str]]:
        """The item's categories and tags, as (name, nicename), each slug once; WordPress's
        default category, given to every post that has none, is left out."""
        terms = {}
        for term in item.findall("category"):
            slug = (term.get("nicename") or "").strip()
            if term.get("domain") in TAXONOMIES and slug != DEFAULT_CATEGORY:
                terms.setdefault(slug or term.text or "", (term.text or "", slug))
        return list(terms.values())

    def _comment(self, comment, where):
        comment_id = child_text(comment, "wp:comment_id").strip()
        where = f"{where}, comment {comment_id or '?'}"
        if not comment_id:
            raise ImportFileError(f"{where}: no <wp:comment_id>")
        approved = child_text(comment, "wp:comment_approved").strip()
        kind = child_text(comment, "wp:comment_type").strip() or "comment"
        skip = ""
        if kind in ("pingback", "trackback"):
            skip = f"a {kind}"
        elif kind != "comment":
            skip = f"of type “{kind}”, not a comment"
        elif approved in ("trash", "post-trashed"):
            skip = "in the trash"
        elif approved not in COMMENT_STATUSES:
            skip = f"unknown status “{approved}”"
        created_at = parse_date(child_text(comment, "wp:comment_date_gmt"), where)
        if created_at is None:
            created_at = parse_date(child_text(comment, "wp:comment_date"), where)
        parent = child_text(comment, "wp:comment_parent").strip()
        return SourceComment(
            id=comment_id,
            parent_id="" if parent in ("", "0") else parent,
            name=child_text(comment, "wp:comment_author"),
            email=child_text(comment, "wp:comment_author_email"),
            ip_address=child_text(comment, "wp:comment_author_IP"),
            created_at=created_at,
            html=child_text(comment, "wp:comment_content"),
            status=COMMENT_STATUSES.get(approved, ""),
            skip=skip,
        )


NOT_IMPORTED_STATUSES = {
    "trash": "in the trash",
    "auto-draft": "an automatic draft WordPress never showed",
    "inherit": "a revision",
}


def import_export(export: Export, report: Report, progress: Progress) -> None:
    """Write what `export` holds (call inside a transaction)."""
    for item in progress.each(export.items, "Writing items", unit="items"):
        post = item["post"]
        what = f"{item['type'] or 'item'} {post.id} {importing.describe(post.title)}"
        if item["type"] != "post":
            report.skip("items", what, f"not a post: {item['type'] or 'no type'}")
            continue
        if post.status is None:
            why = NOT_IMPORTED_STATUSES.get(item["wp_status"], f"status “{item['wp_status']}”")
            report.skip("posts", what, why)
            if item["comments"]:
                lost = len(item["comments"])
                report.count("comments", "skipped (their post was not imported)", lost)
            continue
        ours = importing.import_post(export.source, post, report)
        importing.import_comments(export.source, ours, post.title, item["comments"], report)
