import secrets
from functools import cache

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Func, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Now
from django.urls import reverse
from django.utils import timezone
from markdownx.models import MarkdownxField
from simple_history.models import HistoricalRecords

from blog.markdown import rendered_fields

SEARCH_CONFIG = "english"


def is_author(user) -> bool:
    """Who writes for the blog: staff. Their comments carry the Author badge. (Who may moderate
    comments is another question, answered by comments.permissions.is_moderator.)"""
    return user is not None and user.is_staff


def published_lookup() -> dict:
    """The one definition of a public post: published, and its publication time has come (by
    PostgreSQL's clock as each query runs, so that its SQL is the same at every request)."""
    return {"status": Post.Status.PUBLISHED, "published_at__lte": Now()}


class PostQuerySet(models.QuerySet):
    def published(self):
        """What the public sees (published_lookup)."""
        return self.filter(**published_lookup())

    def without_text(self, *keep):
        """Leave out the large text columns (Post.TEXT_FIELDS) except those named in `keep`."""
        return self.defer(*(name for name in Post.TEXT_FIELDS if name not in keep))

    def for_post_page(self):
        """A published post with everything its page and its version need, in one query."""
        return (
            self.published()
            .select_related("author")
            .without_text("body_html", "outline")
            .with_listing_version()
        )

    def listing_version(self):
        """One row, one value that changes whenever the list of published posts does: how many
        there are and their latest change. The home page and the previous/next links are cached by
        it; use it as a Subquery or read it with `.get()`."""
        return (
            self.published()
            .order_by()
            .annotate(
                version=Concat(
                    Func(F("pk"), function="COUNT"),
                    Value(" "),
                    Func(F("updated_at"), function="MAX"),
                    output_field=models.TextField(),
                )
            )
            .values_list("version", flat=True)
        )

    def with_listing_version(self):
        """Annotate each post with `listing_version`, read in the same query."""
        sql, params = listing_version_sql()
        version = RawSQL(sql, params, output_field=models.TextField())  # noqa: S611 (the ORM's SQL)
        return self.annotate(listing_version=version)


@cache
def listing_version_sql() -> tuple[str, tuple]:
    # Compiled once per process: building this subquery through the ORM took more CPU on every
    # request than PostgreSQL needs to run the post page's whole query (docs/performance.md).
    return Post.objects.listing_version().query.sql_with_params()


def new_share_secret() -> str:
    return secrets.token_urlsafe(16)


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        # The admin shows help texts as HTML: escaped, so "<slug>" is read as written.
        help_text="The post's address: /posts/&lt;slug&gt;/.",
    )
    description = models.CharField(
        max_length=300,
        help_text="One or two sentences shown on the home page and to search engines.",
    )
    body = MarkdownxField(help_text="Markdown. Start sections with ## headings.")
    body_html = models.TextField(editable=False)
    body_text = models.TextField(editable=False, default="")
    outline = models.JSONField(
        editable=False, default=list, help_text="The h2..h4 headings: the table of contents."
    )
    reading_time_minutes = models.PositiveSmallIntegerField(editable=False, default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="posts",
    )
    published_at = models.DateTimeField(
        default=timezone.now, help_text="The post stays hidden until this time."
    )
    mail_subscribers = models.BooleanField(
        "Email to subscribers",
        default=False,
        help_text="Email the post to the newsletter's subscribers once, when it is published "
        "(or when its scheduled time comes). Untick to publish without mailing.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    # When what readers see of the post's discussion last changed. Set by PostgreSQL alone: the
    # blog's trigger function blog_mark_discussion_changed (migration 0004), which the comments
    # app attaches to its table. Part of the post page's version (blog.caching).
    comments_changed_at = models.DateTimeField(null=True, editable=False)
    # PostgreSQL keeps the vector current on every write; the title outranks the body.
    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("description", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body_text", weight="C", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # Part of every share-preview link (blog/sharing.py): a new secret revokes the links given.
    share_secret = models.CharField(max_length=64, default=new_share_secret, editable=False)

    objects = PostQuerySet.as_manager()
    # A revision at every save, with who made it (blog/revisions.py says why this library).
    history = HistoricalRecords(
        excluded_fields=[
            "body_html",
            "body_text",
            "outline",
            "reading_time_minutes",
            "updated_at",
            "mail_subscribers",
            "comments_changed_at",
            "search_vector",
            "share_secret",
        ],  # fmt: skip
    )

    # The large columns, which lists and look-ups leave out (PostQuerySet.without_text).
    TEXT_FIELDS = ("body", "body_html", "body_text", "outline", "search_vector")

    class Meta:
        ordering = ["-published_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            GinIndex(fields=["search_vector"], name="blog_post_search_vector_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        for name, value in rendered_fields(self.body).items():
            setattr(self, name, value)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:post-detail", kwargs={"slug": self.slug})

    @property
    def state(self) -> "Post.State":
        """Draft, Scheduled (published, its time still to come) or Published, by this clock."""
        if self.status != self.Status.PUBLISHED:
            return self.State.DRAFT
        if self.published_at > timezone.now():
            return self.State.SCHEDULED
        return self.State.PUBLISHED

    def previous_published(self):
        """The published post just before this one (the id breaks ties of publication time)."""
        return self._published_neighbour(self.get_previous_by_published_at)

    def next_published(self):
        """The published post just after this one."""
        return self._published_neighbour(self.get_next_by_published_at)

    @staticmethod
    def _published_neighbour(get_neighbour):
        try:
            return get_neighbour(**published_lookup())
        except Post.DoesNotExist:
            return None

    def structured_data(self, url: str) -> dict:
        """schema.org BlogPosting for search engines, rendered as JSON-LD on the post's page."""
        return {
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "headline": self.title,
            "description": self.description,
            "datePublished": self.published_at,
            "dateModified": self.updated_at,
            "author": {
                "@type": "Person" if self.author else "Organization",
                "name": self.author_name,
            },
            "url": url,
            "mainEntityOfPage": url,
        }

    @property
    def author_name(self) -> str:
        if self.author is None:
            return settings.BLOG_TITLE
        return self.author.get_full_name() or self.author.get_username()
