"""What happens to a webmention we receive: accepted (or refused) at once, verified by the worker.

`accept` runs in the request: it checks the two URLs and the limits, records the request and
queues `tasks.verify`. The worker fetches the source (ops.fetch), checks that it still
links to the target, reads its microformats2 (mf2py) and stores what it says as plain text, then
judges it as every reply is judged (moderation.verdict.judge: bans, then the anti-spam rules). A
source that is gone (410, 404) or no longer links takes its mention down.
"""

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import mf2py
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.encoding import punycode

from blog.models import Post
from moderation import decisions, mail, spam_rules, verdict
from moderation.vocabulary import Reason
from ops import rate_limits
from ops.fetch import FetchRefused, fetch
from ops.limit_keys import client_key, limit_domain, same_client
from webmentions.models import Receipt, Webmention
from webmentions.moderators import banned_url

MAX_AUTHOR_NAME = Webmention._meta.get_field("author_name").max_length
MAX_HOST_NAME = 253  # RFC 1035, in its ASCII (IDNA) form
MAX_CONTENT = 5000  # as a comment's body


class Refused(Exception):
    """A webmention that is not one for us: 400 with this reason."""


def normalise(url: str) -> str:
    """A URL compared as the same page: scheme and host lower-cased, no fragment, "/" for an
    empty path."""
    parts = urlsplit(url.strip())
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, "")
    )


def target_post(target: str, request) -> Post:
    """The published post of this site that `target` names, or Refused."""
    parts = urlsplit(target)
    if parts.hostname is None or parts.netloc.lower() != request.get_host().lower():
        raise Refused("The target is not on this site.")
    try:
        match = resolve(parts.path)
    except Resolver404:
        raise Refused("The target is not a post of this site.") from None
    if match.view_name != "blog:post-detail":
        raise Refused("The target is not a post of this site.")
    post = Post.objects.published().filter(slug=match.kwargs["slug"]).first()
    if post is None:
        raise Refused("The target is not a published post of this site.")
    return post


def check_url(name: str, url: str) -> str:
    if not url:
        raise Refused(f"The {name} is missing.")
    if len(url) > 2000:
        raise Refused(f"The {name} is longer than 2,000 characters.")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        parts, host = None, None
    if parts is None or parts.scheme not in ("http", "https") or not host:
        raise Refused(f"The {name} must be an http or https URL.")
    try:
        named = len(punycode(host)) <= MAX_HOST_NAME
    except UnicodeError:  # a label over 63 characters, or not IDNA
        named = False
    if not named:
        raise Refused(f"The {name} has no valid host name.")
    return url


def check_limits(ip_address: str | None, domain: str, now) -> None:
    """Raise RateLimited past WEBMENTIONS_LIMIT_PER_ADDRESS receipts from this sender (by
    `ops.limit_keys.client_key`: an IPv6 one by its /64) or WEBMENTIONS_LIMIT_PER_DOMAIN from
    the source's registrable `domain` (`ops.limit_keys.limit_domain`) within the window.
    Counted in PostgreSQL (`ops.rate_limits`): the limits hold across workers and hosts."""
    window = settings.WEBMENTIONS_WINDOW_SECONDS
    message = "Too many webmentions from this address or site: try again later."
    same = same_client("ip_address", ip_address)
    if same is not None:
        rate_limits.check(
            f"webmentions.ip:{client_key(ip_address)}",
            Receipt.objects.filter(same),
            limit=settings.WEBMENTIONS_LIMIT_PER_ADDRESS,
            window_seconds=window,
            time_field="received_at",
            now=now,
            message=message,
        )
    rate_limits.check(
        f"webmentions.domain:{domain}",
        Receipt.objects.filter(source_domain=domain),
        limit=settings.WEBMENTIONS_LIMIT_PER_DOMAIN,
        window_seconds=window,
        time_field="received_at",
        now=now,
        message=message,
    )


def accept(source: str, target: str, request, ip_address: str | None) -> Webmention:
    """Record a webmention request and queue its verification. Raises Refused, or
    ops.rate_limits.RateLimited."""
    from webmentions import tasks  # tasks import this module

    source, target = check_url("source", source), check_url("target", target)
    if normalise(source) == normalise(target):
        raise Refused("The source and the target are the same page.")
    post = target_post(target, request)
    domain = limit_domain(urlsplit(source).hostname or "")
    now = timezone.now()
    with transaction.atomic():
        check_limits(ip_address, domain, now)
        mention, _ = Webmention.objects.get_or_create(
            source=source, post=post, defaults={"target": target, "received_at": now}
        )
        Webmention.objects.filter(pk=mention.pk).update(
            target=target, received_at=now, verification=Webmention.Verification.QUEUED
        )
        Receipt.objects.create(
            webmention=mention, received_at=now, ip_address=ip_address, source_domain=domain
        )
        transaction.on_commit(lambda: tasks.verify.enqueue(mention.pk, ip_address))
    return mention


@dataclass
class Found:
    kind: str
    author_name: str = ""
    author_url: str = ""
    author_photo: str = ""
    content: str = ""


def links_to(html: str, base_url: str, target: str) -> bool:
    """Whether any href of the page, resolved against it, is the target."""
    wanted = normalise(target)
    soup = BeautifulSoup(html, "html.parser")
    return any(
        normalise(urljoin(base_url, tag["href"])) == wanted for tag in soup.find_all(href=True)
    )


def first(values, default=""):
    return values[0] if values else default


def plain_url(value) -> str:
    value = value.get("value", "") if isinstance(value, dict) else value
    return value if isinstance(value, str) and urlsplit(value).scheme in ("http", "https") else ""


def read_mf2(html: str, url: str, target: str) -> Found:
    """What the source's h-entry says: the kind, the author, the content as text."""
    parsed = mf2py.parse(doc=html, url=url)
    entries = [item for item in parsed["items"] if "h-entry" in item.get("type", [])]
    if not entries:
        return Found(Webmention.Kind.MENTION)
    props = entries[0].get("properties", {})
    wanted = normalise(target)

    def names_target(prop) -> bool:
        """Whether the property (a URL, or an h-cite with one) is the target."""
        for value in props.get(prop, []):
            if isinstance(value, dict):
                value = first(value.get("properties", {}).get("url", [])) or value.get("value")
            if isinstance(value, str) and normalise(value) == wanted:
                return True
        return False

    kind = Webmention.Kind.MENTION
    for prop, candidate in (
        ("in-reply-to", Webmention.Kind.REPLY),
        ("like-of", Webmention.Kind.LIKE),
        ("repost-of", Webmention.Kind.REPOST),
    ):
        if names_target(prop):
            kind = candidate
            break
    author = first(props.get("author", []), {})
    if isinstance(author, dict):
        author_props = author.get("properties", {})
        name = first(author_props.get("name", [])) or author.get("value", "")
        author_url = plain_url(first(author_props.get("url", [])))
        photo = plain_url(first(author_props.get("photo", [])))
    else:
        name, author_url, photo = "", plain_url(author), ""
    content = first(props.get("content", []), "")
    text = content.get("value", "") if isinstance(content, dict) else str(content)
    if not text:
        text = str(first(props.get("summary", [])) or first(props.get("name", [])))
    return Found(
        kind,
        str(name).strip()[:MAX_AUTHOR_NAME],
        author_url[:2000],
        photo[:2000],
        text.strip()[:MAX_CONTENT],
    )


def take_down(mention: Webmention, why: str) -> None:
    """The source is gone: no one decided, so the log has nothing of it."""
    Webmention.objects.filter(pk=mention.pk).update(
        status=Webmention.Status.GONE,
        status_reason=why,
        reason_code="gone",
        reason_detail=why,
        verification=Webmention.Verification.FAILED,
        verification_note=why,
        moderated_at=timezone.now(),
    )


def fail(mention: Webmention, why: str) -> None:
    Webmention.objects.filter(pk=mention.pk).update(
        verification=Webmention.Verification.FAILED, verification_note=why[:300]
    )


def verify(mention_id: int, ip_address: str | None) -> None:
    """Fetch the source and store what it says (the worker's part)."""
    mention = Webmention.objects.select_related("post").filter(pk=mention_id).first()
    if mention is None:
        return
    try:
        page = fetch(mention.source, agent="webmentions")
    except FetchRefused as error:
        fail(mention, f"the source could not be fetched: {error}")
        return
    if page.status == 410 or (page.status == 404 and mention.verified_at is not None):
        take_down(mention, f"the source answered {page.status}: taken down")
        return
    if page.status != 200:
        fail(mention, f"the source answered {page.status}")
        return
    html = page.text
    if not links_to(html, page.url, mention.target):
        if mention.verified_at is not None:
            take_down(mention, "the source no longer links to the post: taken down")
        else:
            fail(mention, "the source does not link to the post")
        return
    found = read_mf2(html, page.url, mention.target)
    store(mention, found, ip_address)


def store(mention: Webmention, found: Found, ip_address: str | None) -> None:
    """Save what the source says; a new or changed text waits for the moderators again, judged
    first by the comments' bans and anti-spam rules."""
    now = timezone.now()
    submission = spam_rules.Submission(
        found.author_name,
        author_email(found.author_url),
        found.content,
        url=banned_url(found.author_url, mention.source),
        ip_address=ip_address,
        kind=Webmention._meta.label_lower,
    )
    judged = verdict.judge(submission)
    changed = (
        mention.verified_at is None
        or mention.status == Webmention.Status.GONE
        or (mention.content, mention.kind, mention.author_name)
        != (found.content, found.kind, found.author_name)
    )
    fields = {
        "kind": found.kind,
        "author_name": found.author_name,
        "author_url": found.author_url,
        "author_photo": found.author_photo,
        "content": found.content,
        "verification": Webmention.Verification.VERIFIED,
        "verification_note": "",
        "verified_at": now,
    }
    if judged.status == Webmention.Status.SPAM:
        reason = judged.reason
        fields.update(status=Webmention.Status.SPAM, status_reason=str(reason), **reason.fields())
    elif changed:
        fields.update(status=Webmention.Status.PENDING, status_reason="", **Reason().fields())
    with transaction.atomic():
        Webmention.objects.filter(pk=mention.pk).update(**fields)
        if changed:
            decisions.bump(mention)  # links mailed about the old text die
        if fields.get("status") == Webmention.Status.PENDING:
            notify_moderators(Webmention.objects.select_related("post").get(pk=mention.pk))


def author_email(author_url: str) -> str:
    """An author URL of the mailto: scheme names an address a ban may cover."""
    return author_url.removeprefix("mailto:") if author_url.startswith("mailto:") else ""


def notify_moderators(mention: Webmention) -> None:
    """The moderators hear of a webmention waiting as of a comment waiting, each as they chose
    (at once or in the daily digest)."""
    mail.notify_moderators(mention)
