"""Reading a Disqus export (Admin → Moderation → Export: one XML file for a forum).

Disqus calls a page a <thread> and a comment a <post>; a post names its thread and, if it is a
reply, its <parent> by their dsq:id attributes. A thread's <id> is the identifier the site gave
Disqus (often empty), its <link> the page's address.
"""

from datetime import datetime

from django.urls import Resolver404, resolve

from blog.models import Post
from comments.models import Comment
from ops.progress import Progress
from ops.text import one_line
from transfer import importing
from transfer.importing import SourceComment
from transfer.models import Imported, OldPath
from transfer.report import Report
from transfer.xmlfile import ImportFileError, read_xml

NS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"


def text(element, name: str) -> str:
    found = element.find(NS + name)
    return "" if found is None or found.text is None else found.text.strip()


def flag(element, name: str, default: bool = False) -> bool:
    value = text(element, name).lower()
    return default if not value else value == "true"


def parse_date(value: str, where: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ImportFileError(f"{where}: “{value}” is not a date") from None


class Export:
    def __init__(self, path, progress: Progress):
        root = read_xml(path, progress)
        if root.tag != NS + "disqus":
            raise ImportFileError(f"{path}: not a Disqus export (no <disqus> root element)")
        forums = {element.text.strip() for element in root.iter(NS + "forum") if element.text}
        self.source = f"disqus:{sorted(forums)[0] if forums else 'unknown'}"
        self.threads = {}
        for n, thread in enumerate(root.findall(NS + "thread"), 1):
            thread_id = thread.get(DSQ_ID, "").strip()
            if not thread_id:
                raise ImportFileError(f"{path}: thread {n} has no dsq:id")
            self.threads[thread_id] = {
                "identifier": text(thread, "id"),
                "link": text(thread, "link"),
                "title": one_line(text(thread, "title")),
                "comments": [],
            }
        for n, post in enumerate(root.findall(NS + "post"), 1):
            where = f"{path}: post {n}"
            post_id = post.get(DSQ_ID, "").strip()
            thread = post.find(NS + "thread")
            thread_id = "" if thread is None else thread.get(DSQ_ID, "").strip()
            if not post_id or thread_id not in self.threads:
                raise ImportFileError(f"{where}: no dsq:id, or a thread not in the file")
            parent = post.find(NS + "parent")
            author = post.find(NS + "author")
            skip = ""
            if flag(post, "isDeleted"):
                skip = "deleted on Disqus"
            elif flag(post, "isSpam"):
                skip = "spam on Disqus"
            # Exports that say so carry <isApproved>; without it a comment was public there.
            approved = flag(post, "isApproved", default=True)
            self.threads[thread_id]["comments"].append(
                SourceComment(
                    id=post_id,
                    parent_id="" if parent is None else parent.get(DSQ_ID, "").strip(),
                    name=(text(author, "name") or text(author, "username"))
                    if author is not None
                    else "",
                    email=text(author, "email") if author is not None else "",
                    ip_address=text(post, "ipAddress"),
                    created_at=parse_date(text(post, "createdAt"), where),
                    html=text(post, "message"),
                    status=Comment.Status.APPROVED if approved else Comment.Status.PENDING,
                    skip=skip,
                )
            )


def post_for_path(path: str) -> Post | None:
    """Our post at `path`: its own address, an old address an import recorded, or a path whose
    last part is one of our slugs."""
    try:
        match = resolve(path.split("?")[0])
        if match.view_name == "blog:post-detail":
            return Post.objects.filter(slug=match.kwargs["slug"]).first()
    except Resolver404:
        pass
    old = OldPath.objects.filter(path=path).select_related("post").first()
    if old is not None:
        return old.post
    last = [part for part in path.split("?")[0].split("/") if part]
    return Post.objects.filter(slug=importing.slug_for(last[-1], "", "")).first() if last else None


def post_for_identifier(identifier: str) -> Post | None:
    """Our post for a Disqus identifier: a slug, a path or URL, or WordPress's Disqus plugin's
    "<post id> <url>" naming a post an import brought in."""
    if not identifier:
        return None
    first = identifier.split()[0]
    if first.isdigit():
        records = Imported.objects.filter(kind=Imported.Kind.POST, source_id=first)
        if len(records[:2]) == 1:
            return records[0].post
    if "/" in first:
        return post_for_path(importing.old_path(first))
    return Post.objects.filter(slug=first).first()


def import_export(export: Export, report: Report, progress: Progress) -> None:
    idle = 0
    for thread in progress.each(list(export.threads.values()), "Writing threads", "threads"):
        comments = thread["comments"]
        if not comments:
            idle += 1
            continue
        what = f"thread {importing.describe(thread['title'] or thread['link'])}"
        post = None
        if thread["link"]:
            post = post_for_path(importing.old_path(thread["link"]))
        post = post or post_for_identifier(thread["identifier"])
        if post is None:
            report.count("threads", "not matched")
            report.count("comments", "skipped (thread not matched)", len(comments))
            report.note(
                "Threads not matched to a post (their comments were not imported)",
                f"{what} (link {thread['link'] or 'none'}, identifier "
                f"{thread['identifier'] or 'none'}): {len(comments)} comment(s)",
            )
            continue
        report.count("threads", "matched")
        title = thread["title"] or post.title
        importing.import_comments(export.source, post, title, comments, report)
    if idle:
        report.note("Other notes", f"{idle} thread(s) without comments were not looked at")
