"""Writing what an import file holds: posts and comments, once each, never over our own posts.

The commands read a file into the plain records below (wordpress.py, disqus.py), then call
these functions inside one transaction. Comments are created as rows, not submitted: no
anti-spam rule, flood limit, signal or mail applies to words written years ago elsewhere.
Comment.save() renders and sanitises them like any new comment; Post.save() gives posts their
HTML, table of contents and reading time, and PostgreSQL their search vector.
"""

import ipaddress
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from anyascii import anyascii
from django.utils.text import Truncator, slugify

from blog.models import Post, Tag, slug_from_name
from comments.models import Comment
from ops.text import one_line
from transfer.html_to_markdown import (
    Converted,
    TooDeeplyNested,
    first_paragraph,
    plain_text,
    to_markdown,
)
from transfer.models import Imported, OldPath
from transfer.report import Report
from transfer.xmlfile import ImportFileError

SLUG_MAX_LENGTH = Post._meta.get_field("slug").max_length
TITLE_MAX_LENGTH = Post._meta.get_field("title").max_length
BYLINE_MAX_LENGTH = Post._meta.get_field("byline").max_length
TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length
TAG_SLUG_MAX_LENGTH = Tag._meta.get_field("slug").max_length
DESCRIPTION_MAX_LENGTH = Post._meta.get_field("description").max_length
NAME_MAX_LENGTH = Comment._meta.get_field("name").max_length
EMAIL_MAX_LENGTH = Comment._meta.get_field("email").max_length


@dataclass
class SourcePost:
    id: str
    title: str
    html: str
    excerpt_html: str
    slug: str  # as the source spelled it, possibly percent-encoded, possibly empty
    status: str  # Post.Status
    published_at: datetime | None
    updated_at: datetime | None
    link: str
    author_name: str
    notes: list[str] = field(default_factory=list)
    # (name, slug as the source spelled it): WordPress's categories and tags alike.
    tags: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SourceComment:
    id: str
    parent_id: str  # "" for a comment on the post itself
    name: str
    email: str
    ip_address: str
    created_at: datetime | None
    html: str
    status: str  # Comment.Status, or "" when `skip` says why it is not imported
    skip: str = ""


def describe(post_title: str) -> str:
    return f"“{Truncator(post_title).chars(60)}”"


def slug_for(raw: str, title: str, source_id: str) -> str:
    """A slug Django's `slug` converter accepts: WordPress's post_name percent-decoded and spelled
    in ASCII, else one from the title (drafts have no post_name), else from the id."""
    for candidate in (unquote(raw or ""), title):
        slug = slugify(anyascii(candidate))[:SLUG_MAX_LENGTH].strip("-")
        if slug:
            return slug
    return f"post-{source_id}"


def free_slug(slug: str) -> str:
    """`slug`, or `slug-2`, `slug-3`... : the first no post has."""
    candidate, n = slug, 1
    while Post.objects.filter(slug=candidate).exists():
        n += 1
        suffix = f"-{n}"
        candidate = slug[: SLUG_MAX_LENGTH - len(suffix)] + suffix
    return candidate


def old_path(link: str) -> str:
    """The path (and query) of an old address, percent-decoded as Django's request.path is."""
    parts = urlsplit(link or "")
    path = unquote(parts.path) or "/"
    return f"{path}?{parts.query}" if parts.query else path


def note_conversion(report: Report, what: str, converted: Converted) -> None:
    images = Counter(converted.images)
    for url, n in images.items():
        report.note(
            "Remote images (not fetched: the site shows only its own images; each became a "
            "link, to replace with an upload in the editor)",
            f"{what}: {url}" + (f" (×{n})" if n > 1 else ""),
        )
    if converted.dropped:
        elements = ", ".join(f"<{tag}> ×{n}" for tag, n in sorted(converted.dropped.items()))
        report.note("Dropped HTML (Markdown cannot say it)", f"{what}: {elements}")


def converted_or_refused(html: str, what: str) -> Converted:
    """The Markdown of a post's or comment's HTML; HTML that cannot be converted makes the file a
    bad one (ImportFileError, naming `what`), so that nothing is written."""
    try:
        return to_markdown(html)
    except TooDeeplyNested as error:
        raise ImportFileError(f"{what}: {error}") from None


def import_post(source: str, item: SourcePost, report: Report) -> Post:
    """The post for `item`: the one an earlier run imported, or a new one."""
    record = Imported.objects.filter(
        source=source, kind=Imported.Kind.POST, source_id=item.id
    ).first()
    what = f"post {item.id} {describe(item.title)}"
    if record is not None:
        report.count("posts", "already imported", what=what)
        return record.post
    slug = slug_for(item.slug, item.title, item.id)
    taken = Post.objects.filter(slug=slug).first()
    if taken is not None:
        new_slug = free_slug(slug)
        report.note(
            "Slug collisions (the existing post is left as it is)",
            f"{what}: “{slug}” is taken by {describe(taken.title)}; imported as “{new_slug}”",
        )
        slug = new_slug
    converted = converted_or_refused(item.html, what)
    note_conversion(report, what, converted)
    for text in item.notes:
        report.note("Other notes", f"{what}: {text}")
    description = plain_text(item.excerpt_html) or first_paragraph(item.html)
    description = Truncator(description or item.title).chars(DESCRIPTION_MAX_LENGTH)
    post = Post(
        title=Truncator(one_line(item.title) or slug).chars(TITLE_MAX_LENGTH),
        slug=slug,
        description=description,
        body=converted.markdown,
        status=item.status,
        # Its author there, shown as the post's author until an editor assigns an account.
        byline=item.author_name.strip()[:BYLINE_MAX_LENGTH],
    )
    if item.published_at is not None:
        post.published_at = item.published_at
    post.save()
    # updated_at is auto_now: write the source's time with update(), as load_posts does.
    Post.objects.filter(pk=post.pk).update(updated_at=item.updated_at or post.published_at)
    Imported.objects.create(
        source=source,
        kind=Imported.Kind.POST,
        source_id=item.id,
        post=post,
        author_name=item.author_name[:200],
    )
    report.count("posts", "created", what=what)
    _tag(post, item.tags, what, report)
    _redirect_old_path(item.link, post, what, report)
    return post


def _tag(post: Post, tags: list[tuple[str, str]], what: str, report: Report) -> None:
    """Give a newly imported post its tags: ours with the same slug (or name), else new ones.
    Only at its creation: a later run leaves the tags as the editors made them."""
    for raw_name, raw_slug in tags:
        name = " ".join(raw_name.split())[:TAG_NAME_MAX_LENGTH]
        slug = ""
        for candidate in (unquote(raw_slug or ""), name):
            slug = slug_from_name(candidate)[:TAG_SLUG_MAX_LENGTH].strip("-")
            if slug:
                break
        if not name or not slug:
            report.skip("tags", f"tag “{raw_name}” of {what}", "its name makes no address")
            continue
        tag = Tag.objects.filter(slug=slug).first() or Tag.objects.filter(name=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name, slug=slug)
            report.count("tags", "created")
        post.tags.add(tag)


def _redirect_old_path(link: str, post: Post, what: str, report: Report) -> None:
    if not link:
        return
    path = old_path(link)
    if path == post.get_absolute_url():
        return
    existing = OldPath.objects.filter(path=path).select_related("post").first()
    if existing is not None:
        report.note(
            "Other notes",
            f"{what}: its old address {path} already redirects to {existing.post.slug}",
        )
        return
    OldPath.objects.create(path=path[:500], post=post)
    report.count("redirects", "created")


def import_comments(
    source: str, post: Post, post_title: str, comments: list[SourceComment], report: Report
) -> None:
    """Create the comments of one post not imported before, threaded one level deep: a reply
    joins the thread of its topmost ancestor that is here (a reply to a reply, its thread)."""
    by_id = {comment.id: comment for comment in comments}
    known = dict(
        Imported.objects.filter(
            source=source,
            kind=Imported.Kind.COMMENT,
            source_id__in=list(by_id),
        ).values_list("source_id", "comment_id")
    )
    here: dict[str, int] = dict(known)

    def ancestors(comment: SourceComment) -> list[str]:
        chain, seen, parent = [], {comment.id}, comment.parent_id
        while parent and parent in by_id and parent not in seen:
            chain.append(parent)
            seen.add(parent)
            parent = by_id[parent].parent_id
        return chain

    # Parents before their replies: by depth, then by date.
    order = sorted(
        comments,
        key=lambda c: (len(ancestors(c)), c.created_at or post.published_at, c.id),
    )
    for comment in order:
        what = f"comment {comment.id} on {describe(post_title)}"
        if comment.id in known:
            report.count("comments", "already imported", what=what)
            continue
        if comment.skip:
            report.skip("comments", what, comment.skip)
            continue
        converted = converted_or_refused(comment.html, what)
        if not converted.markdown.strip():
            report.skip("comments", what, "nothing left once converted")
            continue
        note_conversion(report, what, converted)
        root = next((here[a] for a in reversed(ancestors(comment)) if a in here), None)
        row = Comment.objects.create(
            post=post,
            parent_id=root,
            name=Truncator(comment.name.strip() or "Anonymous").chars(NAME_MAX_LENGTH),
            email=comment.email.strip()[:EMAIL_MAX_LENGTH],
            body=converted.markdown,
            status=comment.status,
            status_reason=(
                "imported: it was spam on the old site" if comment.status == Comment.Status.SPAM
                else ""
            ),
            created_at=comment.created_at or post.published_at,
            ip_address=_ip_or_none(comment.ip_address),
        )  # fmt: skip
        Imported.objects.create(
            source=source, kind=Imported.Kind.COMMENT, source_id=comment.id, comment=row
        )
        here[comment.id] = row.pk
        report.count("comments", "created", what=what)


def _ip_or_none(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        return None


def aware(value: datetime | None) -> datetime | None:
    return None if value is None else value.replace(tzinfo=UTC)
