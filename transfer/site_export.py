"""The whole site as one JSON document (and its uploaded files), and back.

The document (README, "Moving in and out") holds the posts as Markdown with their metadata, tags
and series, the comments with their status and threading, the accounts they name, where imported
items came from and old addresses. Commenters' email and IP addresses, their user agents and
whether they asked for mail are personal data: only with --with-personal-data, as are the
subscribers to new posts (their address, and whether and when they confirmed it, kept as it
was). HTML, tables of contents, reading times and search vectors are not in it: saving each row
computes them again, with this site's renderer.
"""

import hashlib
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from blog.management.commands.load_posts import parse_post_file
from blog.markdown import rendered_fields
from blog.models import Post, Series, Tag
from comments.models import Comment
from notifications.models import Address, NewPostSubscription
from ops.progress import Progress
from ops.text import one_line
from transfer.models import Imported, OldPath

FORMAT = "mlblog-site-export"
VERSION = 1
SEED_FOLDER = Path(settings.BASE_DIR) / "fixtures" / "posts"


class SiteFileError(Exception):
    """The document cannot be read into this site; the message says why."""


def _time(value):
    return None if value is None else value.isoformat()


def _username(user):
    return None if user is None else user.get_username()


def export_site(*, personal_data: bool, media_folder: str | None, progress: Progress) -> dict:
    posts = Post.objects.select_related("author").prefetch_related("tags").order_by("pk")
    comments = Comment.objects.select_related("user").order_by("pk")
    accounts = {post.author for post in posts if post.author} | {
        comment.user for comment in comments if comment.user
    }
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "personal_data": personal_data,
        "accounts": [
            {
                "username": user.get_username(),
                "first_name": user.first_name,
                "last_name": user.last_name,
                "is_staff": user.is_staff,
                **({"email": user.email} if personal_data else {}),
            }
            for user in sorted(accounts, key=lambda user: user.pk)
        ],
        "tags": list(Tag.objects.order_by("pk").values("id", "name", "slug")),
        "series": list(Series.objects.order_by("pk").values("id", "title", "slug", "description")),
        "posts": [
            {
                "id": post.pk,
                "title": post.title,
                "slug": post.slug,
                "description": post.description,
                "body": post.body,
                "status": post.status,
                "published_at": _time(post.published_at),
                "updated_at": _time(post.updated_at),
                "author": _username(post.author),
                "byline": post.byline,
                "tags": sorted(tag.pk for tag in post.tags.all()),
                "series": post.series_id,
                "series_order": post.series_order,
                # Only a post still to come is still to be mailed: a public one was (or was
                # meant not to be), and must not be mailed again by the import.
                "mail_subscribers": post.mail_subscribers and post.state != Post.State.PUBLISHED,
            }
            for post in progress.each(posts, "Exporting posts", "posts")
        ],
        "comments": [
            {
                "id": comment.pk,
                "post": comment.post_id,
                "parent": comment.parent_id,
                "user": _username(comment.user),
                "name": comment.name,
                "body": comment.body,
                "status": comment.status,
                "status_reason": comment.status_reason,
                "created_at": _time(comment.created_at),
                "moderated_at": _time(comment.moderated_at),
                **(
                    {
                        "email": comment.email,
                        "ip_address": comment.ip_address,
                        "user_agent": comment.user_agent,
                        "notify_writer": comment.notify_writer,
                    }
                    if personal_data
                    else {}
                ),
            }
            for comment in progress.each(comments, "Exporting comments", "comments")
        ],
        "imported": list(
            Imported.objects.order_by("pk").values(
                "source", "kind", "source_id", "post", "comment", "author_name"
            )
        ),
        "old_paths": list(OldPath.objects.order_by("pk").values("path", "post")),
        "subscribers": subscribers() if personal_data else [],
        "media": {"folder": media_folder, "files": media_files()},
    }


def subscribers() -> list[dict]:
    """The newsletter's subscribers, confirmed or waiting."""
    return [
        {
            "email": subscription.address.email,
            "subscribed_at": _time(subscription.created_at),
            "confirmed_at": _time(subscription.active_since),
        }
        for subscription in NewPostSubscription.objects.select_related("address").order_by("pk")
    ]


def media_files() -> list[dict]:
    """Every uploaded file: its path under MEDIA_ROOT and its SHA-256."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return [
        {
            "path": path.relative_to(root).as_posix(),
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        }
        for path in sorted(root.rglob("*"))
        if path.is_file()
    ]


def copy_media(files: list[dict], source: Path, target: Path) -> int:
    """Copy the listed files from `source` to `target`, checking each one's SHA-256 and never
    writing outside `target`. Returns how many were copied."""
    copied = 0
    target = target.resolve()
    for entry in files:
        destination = (target / entry["path"]).resolve()
        if not destination.is_relative_to(target) or ".." in Path(entry["path"]).parts:
            raise SiteFileError(f"media file {entry['path']!r} would land outside the folder")
        origin = source / entry["path"]
        if not origin.is_file():
            raise SiteFileError(f"media file {entry['path']} is missing from {source}")
        if hashlib.sha256(origin.read_bytes()).hexdigest() != entry["sha256"]:
            raise SiteFileError(f"media file {entry['path']} is not the file exported")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(origin, destination)
        copied += 1
    return copied


def check_empty_site() -> None:
    """import_site reads into a site holding only what its set-up loads (the guide)."""
    seed_slugs = {parse_post_file(path)["slug"] for path in SEED_FOLDER.glob("*.md")}
    others = Post.objects.exclude(slug__in=seed_slugs)
    if Comment.objects.exists() or others.exists() or Imported.objects.exists():
        raise SiteFileError(
            "this site already has posts or comments of its own: import_site reads only into a "
            "freshly set-up site (manage.py setup), whose guide it replaces"
        )


def import_site(document: dict, media_source: Path, progress: Progress) -> dict:
    """Write `document` into this (freshly set-up) site in one transaction of its own, keeping
    every primary key, with the uploaded files from `media_source`. Returns counts of what was
    created.

    The files are checked and copied aside first, and moved into MEDIA_ROOT (where anyone may
    read them) only once the transaction has committed: an import that fails leaves none of them
    served. The posts showing them are then rendered again, their sizes and copies now readable.
    """
    if document.get("format") != FORMAT or document.get("version") != VERSION:
        raise SiteFileError(f"not a {FORMAT} document of version {VERSION}")
    with tempfile.TemporaryDirectory(prefix="import-site-") as staging:
        with transaction.atomic(durable=True):
            counts = _write_site(document, media_source, Path(staging), progress)
        moved = move_media(Path(staging), Path(settings.MEDIA_ROOT))
    _render_posts_showing(moved)
    return counts


def move_media(staging: Path, media_root: Path) -> list[str]:
    """Move every file under `staging` to the same place under `media_root`; their names."""
    names = []
    for path in sorted(staging.rglob("*")):
        if path.is_file():
            name = path.relative_to(staging).as_posix()
            destination = media_root / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, destination)
            names.append(name)
    return names


def _render_posts_showing(names: list[str]) -> None:
    """Render again the posts showing one of the uploads `names` (keeping their updated_at, the
    exported one): saved before the files were in place, they lack the images' sizes."""
    urls = [settings.MEDIA_URL.strip("/") + "/" + name for name in names]
    for post in Post.objects.only("pk", "body").order_by("pk").iterator(chunk_size=100):
        if any(url in post.body for url in urls):
            Post.objects.filter(pk=post.pk).update(**rendered_fields(post.body))


def _write_site(document: dict, media_source: Path, staging: Path, progress: Progress) -> dict:
    check_empty_site()
    media = document.get("media") or {}
    copied = 0
    if media.get("files"):
        if not media.get("folder"):
            raise SiteFileError("the export lists uploaded files but has no folder of them")
        copied = copy_media(media["files"], media_source / media["folder"], staging)
    Post.objects.all().delete()  # the guide the set-up loaded: the export has its own
    User = get_user_model()
    users = {}
    created_accounts = 0
    for entry in document["accounts"]:
        user = User.objects.filter(username=entry["username"]).first()
        if user is None:
            # An account to hold the name and the Author badge, with no password and no log-in:
            # an administrator gives it a password (changepassword) if its owner needs one.
            user = User(
                username=entry["username"],
                first_name=entry["first_name"],
                last_name=entry["last_name"],
                is_staff=entry["is_staff"],
                is_active=False,
                email=entry.get("email", ""),
            )
            user.set_unusable_password()
            user.save()
            created_accounts += 1
        users[entry["username"]] = user
    Tag.objects.bulk_create(
        Tag(pk=entry["id"], name=entry["name"], slug=entry["slug"])
        for entry in document.get("tags", [])
    )
    Series.objects.bulk_create(
        Series(
            pk=entry["id"],
            title=one_line(entry["title"]),
            slug=entry["slug"],
            description=entry["description"],
        )
        for entry in document.get("series", [])
    )
    for entry in progress.each(document["posts"], "Writing posts", "posts"):
        post = Post(
            pk=entry["id"],
            title=one_line(entry["title"]),
            slug=entry["slug"],
            description=entry["description"],
            body=entry["body"],
            status=entry["status"],
            published_at=parse_datetime(entry["published_at"]),
            author=users.get(entry["author"]),
            byline=entry.get("byline", ""),
            series_id=entry.get("series"),
            series_order=entry.get("series_order"),
            mail_subscribers=entry.get("mail_subscribers", False),
        )
        post.save(force_insert=True)
        post.tags.set(entry.get("tags", []))
        Post.objects.filter(pk=post.pk).update(updated_at=parse_datetime(entry["updated_at"]))
    # Threads before their replies.
    threads_first = sorted(document["comments"], key=lambda c: (c["parent"] is not None, c["id"]))
    for entry in progress.each(threads_first, "Writing comments", "comments"):
        Comment(
            pk=entry["id"],
            post_id=entry["post"],
            parent_id=entry["parent"],
            user=users.get(entry["user"]),
            name=entry["name"],
            body=entry["body"],
            status=entry["status"],
            status_reason=entry["status_reason"],
            created_at=parse_datetime(entry["created_at"]),
            moderated_at=entry["moderated_at"] and parse_datetime(entry["moderated_at"]),
            email=entry.get("email", ""),
            ip_address=entry.get("ip_address"),
            user_agent=entry.get("user_agent", ""),
            notify_writer=entry.get("notify_writer", False),
        ).save(force_insert=True)
    Imported.objects.bulk_create(
        Imported(
            source=entry["source"],
            kind=entry["kind"],
            source_id=entry["source_id"],
            post_id=entry["post"],
            comment_id=entry["comment"],
            author_name=entry["author_name"],
        )
        for entry in document["imported"]
    )
    OldPath.objects.bulk_create(
        OldPath(path=entry["path"], post_id=entry["post"]) for entry in document["old_paths"]
    )
    for entry in document.get("subscribers", []):
        confirmed_at = entry["confirmed_at"] and parse_datetime(entry["confirmed_at"])
        address = Address.objects.get_or_create_for(entry["email"])
        if address is None:
            continue  # no identity (ops.addresses): the site keeps no such address
        if confirmed_at and address.confirmed_at is None:
            address.confirmed_at = confirmed_at
            address.save(update_fields=["confirmed_at"])
        NewPostSubscription.objects.update_or_create(
            address=address,
            defaults={
                "created_at": parse_datetime(entry["subscribed_at"]),
                "active_since": confirmed_at,
            },
        )
    # The next post or comment written here must not take an id the export brought.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Post, Comment, User, Tag, Series]
        ):
            cursor.execute(sql)
    return {
        "media": copied,
        "accounts": created_accounts,
        "posts": len(document["posts"]),
        "tags": len(document.get("tags", [])),
        "series": len(document.get("series", [])),
        "comments": len(document["comments"]),
        "subscribers": len(document.get("subscribers", [])),
    }
