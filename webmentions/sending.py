"""Sending webmentions for the links in our posts (W3C Webmention, 3.1).

When a post becomes public (`blog.signals.post_became_public`: at its publication time for a
scheduled post), and when a public post is edited, `send_for_post` runs in the worker: each
external link of its HTML gets a SentWebmention row and a task that discovers the link's
endpoint (the Link header first, then the first <link> or <a> with rel="webmention", resolved
against the page's URL) and posts source and target to it, through the same safe fetcher as
verification. A failure is retried with exponential back-off (WEBMENTIONS_RETRY_BASE_SECONDS
doubling, WEBMENTIONS_SEND_ATTEMPTS in all).
"""

import logging
import re
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from blog.models import Post
from blog.signals import post_became_public
from ops.fetch import FetchRefused, fetch
from ops.retry import retry_delay
from webmentions.models import SentWebmention

logger = logging.getLogger("webmentions")
REL = re.compile(r'rel\s*=\s*"?([^";]*)"?', re.IGNORECASE)


def connect() -> None:
    post_became_public.connect(became_public, dispatch_uid="webmentions.became_public")
    post_save.connect(post_saved, sender=Post, dispatch_uid="webmentions.post_saved")


def became_public(sender, post: Post, **kwargs) -> None:
    """`blog.signals.post_became_public`: send a webmention for each of its links."""
    from webmentions import tasks  # tasks import this module

    transaction.on_commit(lambda: tasks.send_for_post.enqueue(post.pk))


def post_saved(sender, instance: Post, raw=False, **kwargs) -> None:
    """An edit of a post already public (announced): send again, for the links it has now
    (Webmention's "update"). Its first sending waits for `post_became_public`."""
    from webmentions import tasks

    announced = Post.objects.published().filter(pk=instance.pk).exclude(public_announced_at=None)
    if not raw and announced.exists():
        transaction.on_commit(lambda: tasks.send_for_post.enqueue(instance.pk))


def external_links(post: Post) -> list[str]:
    """The http(s) links of the post's HTML that lead off this site, once each, in order."""
    own_host = urlsplit(settings.SITE_URL).netloc.lower()
    links = []
    for tag in BeautifulSoup(post.body_html, "html.parser").find_all("a", href=True):
        url = urljoin(settings.SITE_URL + post.get_absolute_url(), tag["href"]).split("#")[0]
        parts = urlsplit(url)
        external = parts.scheme in ("http", "https") and parts.netloc.lower() != own_host
        if external and url not in links:
            links.append(url)
    return links


def send_for_post(post_id: int) -> None:
    from webmentions import tasks

    post = Post.objects.published().filter(pk=post_id).first()
    if post is None:
        return  # unpublished, or not yet due (a later save queued it again)
    for target in external_links(post):
        sent, _ = SentWebmention.objects.get_or_create(post=post, target=target)
        SentWebmention.objects.filter(pk=sent.pk).update(
            status=SentWebmention.Status.QUEUED, attempts=0, next_attempt_at=None
        )
        tasks.send_one.enqueue(sent.pk)


def links(value: str) -> list[tuple[str, str]]:
    """The (URL, parameters) of each `<URL>; parameters` in a Link header, in one pass: each
    character is looked at a bounded number of times, whatever the header (a regular
    expression here backtracked quadratically on a run of "<")."""
    found, position = [], 0
    while (start := value.find("<", position)) != -1:
        end = value.find(">", start + 1)
        if end == -1:
            break  # no "<" after this one can be closed either
        comma = value.find(",", end)
        stop = len(value) if comma == -1 else comma
        params = value[end + 1 : stop].lstrip()
        if params.startswith(";"):
            found.append((value[start + 1 : end], params[1:]))
            position = stop
        else:
            position = end + 1  # a "<" before `end` would close at `end` and fail the same
    return found


def endpoint_in_headers(values: list[str]) -> str | None:
    """The first URL of the Link headers whose rel names webmention, as written."""
    for value in values:
        for url, params in links(value):
            rel = REL.search(params)
            if rel and "webmention" in rel.group(1).lower().split():
                return url
    return None


def discover(target: str) -> tuple[str | None, int]:
    """The target's webmention endpoint (absolute), or None; and the status it answered."""
    page = fetch(target, agent="webmentions")
    endpoint = endpoint_in_headers(page.headers.get_all("Link") or [])
    if endpoint is not None:
        return urljoin(page.url, endpoint), page.status
    if "html" in page.headers.get_content_type():
        soup = BeautifulSoup(page.text, "html.parser")
        for tag in soup.find_all(["link", "a"], href=True):
            if "webmention" in [rel.lower() for rel in tag.get("rel", [])]:
                return urljoin(page.url, tag["href"]), page.status
    return None, page.status


def send_one(sent_id: int) -> None:
    from webmentions import tasks

    with transaction.atomic():
        sent = (
            SentWebmention.objects.select_for_update(skip_locked=True)
            .select_related("post")
            .filter(pk=sent_id)
            .first()
        )
        if sent is None or sent.status == SentWebmention.Status.SENT:
            return
        sent.attempts += 1
        sent.last_attempt_at = timezone.now()
        source = settings.SITE_URL + sent.post.get_absolute_url()
        try:
            endpoint, code = discover(sent.target)
            if endpoint is None:
                sent.status, sent.response_code, sent.next_attempt_at = (
                    SentWebmention.Status.NO_ENDPOINT,
                    code,
                    None,
                )
                sent.save()
                return
            sent.endpoint = endpoint[:2000]
            answer = fetch(
                endpoint, form={"source": source, "target": sent.target}, agent="webmentions"
            )
            sent.response_code = answer.status
            if not 200 <= answer.status < 300:
                raise FetchRefused(f"the endpoint answered {answer.status}")
        except FetchRefused as error:
            sent.note = str(error)[:300]
            if sent.attempts >= settings.WEBMENTIONS_SEND_ATTEMPTS:
                sent.status, sent.next_attempt_at = SentWebmention.Status.GAVE_UP, None
            else:
                delay = retry_delay(sent.attempts, base=settings.WEBMENTIONS_RETRY_BASE_SECONDS)
                sent.status = SentWebmention.Status.FAILED
                sent.next_attempt_at = timezone.now() + delay
                tasks.send_one.using(run_after=sent.next_attempt_at).enqueue(sent.pk)
            sent.save()
            logger.warning("webmention to %s failed: %s", sent.target, sent.note)
            return
        sent.status, sent.note, sent.next_attempt_at = SentWebmention.Status.SENT, "", None
        sent.save()
