import secrets
from functools import cache

from anyascii import anyascii
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Now
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
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
        """A published post with everything its page and its version need, in one query: with
        its series (title and address) and what of its tags and series the page shows."""
        return (
            self.published()
            .select_related("author", "series")
            .without_text("body_html", "outline")
            .with_listing_version()
            .annotate(
                tag_names=ArraySubquery(
                    Tag.objects.filter(posts=models.OuterRef("pk"))
                    .order_by("name")
                    .values(label=Concat("slug", Value(" "), "name"))
                ),
                series_part_ids=ArraySubquery(
                    Post.objects.published()
                    .filter(series=models.OuterRef("series"))
                    .order_by("series_order")
                    .values("pk")
                ),
            )
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


def slug_from_name(name: str) -> str:
    """The slug a tag or series takes from its name when none is given ("" if none can be made:
    the name holds no Latin letter or digit)."""
    return slugify(anyascii(name))


class SlugFromNameMixin:
    """Fill an empty slug from `NAME_FIELD`; a name that makes none is a validation error on
    the slug, which the admin shows beside the field."""

    NAME_FIELD = "name"

    def clean(self):
        super().clean()
        if not self.slug:
            self.slug = slug_from_name(getattr(self, self.NAME_FIELD))[:200].strip("-")
        if not self.slug:
            raise ValidationError(
                {
                    "slug": "This name makes no address: give the slug yourself, in Latin "
                    "letters, digits and hyphens."
                }
            )


class PostGroupQuerySet(models.QuerySet):
    """Tags and series: groups of posts with a page each."""

    def for_page(self):
        """Each annotated with the `listing_version` of its public posts, in the same query."""
        return self.annotate(
            listing_version=models.Subquery(
                Post.objects.filter(
                    **{self.model.POSTS_LOOKUP: models.OuterRef("pk")}
                ).listing_version()
            )
        )


class Tag(SlugFromNameMixin, models.Model):
    """A subject a post is filed under; its page /tags/<slug>/ lists the public posts on it."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="The tag's address: /tags/&lt;slug&gt;/. Left empty, it is made from the name.",
    )

    objects = PostGroupQuerySet.as_manager()
    POSTS_LOOKUP = "tags"

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:tag-detail", kwargs={"slug": self.slug})


class Series(SlugFromNameMixin, models.Model):
    """Posts meant to be read in order; its page /series/<slug>/ lists the public parts."""

    NAME_FIELD = "title"

    title = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="The series' address: /series/&lt;slug&gt;/. Left empty, it is made from the "
        "title.",
    )
    description = models.CharField(
        max_length=300, blank=True, help_text="One or two sentences shown on the series' page."
    )

    objects = PostGroupQuerySet.as_manager()
    POSTS_LOOKUP = "series"

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("blog:series-detail", kwargs={"slug": self.slug})


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
    byline = models.CharField(
        max_length=200,
        blank=True,
        help_text="The writer's name shown when no author account is chosen (an imported "
        "post's author there).",
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
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    series = models.ForeignKey(
        Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    series_order = models.PositiveIntegerField(
        null=True, blank=True, help_text="Its part in the series: 1, 2, 3..."
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
    # When `post_became_public` was sent for its present publication (blog.publication): set
    # by the announcing task alone (an UPDATE, never by save()), cleared by a save while the
    # post is not public, so a withdrawn post published again is announced again.
    public_announced_at = models.DateTimeField(null=True, editable=False)
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
            "public_announced_at",
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
        constraints = [
            models.UniqueConstraint(
                fields=["series", "series_order"],
                name="blog_post_one_part_per_place",
                violation_error_message="Another post of this series has this part number.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        for name, value in rendered_fields(self.body).items():
            setattr(self, name, value)
        if self.state != self.State.PUBLISHED:
            self.public_announced_at = None  # withdrawn (or not yet public): announce it again
        elif not self._state.adding and kwargs.get("update_fields") is None:
            # Never write back a stale copy of the announcing task's mark.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not (field.primary_key or field.generated or field.name == "public_announced_at")
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:post-detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.series_id is not None and self.series_order is None:
            raise ValidationError({"series_order": "Give its part number in the series."})
        if self.series_id is None and self.series_order is not None:
            raise ValidationError({"series": "Choose the series this part number belongs to."})

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

    def series_position(self):
        """(part number, how many parts, previous part, next part) among the series' public
        parts, from `series_part_ids` (PostQuerySet.for_post_page); None outside a series."""
        parts = getattr(self, "series_part_ids", None)
        if self.series_id is None or not parts or self.pk not in parts:
            return None
        index = parts.index(self.pk)
        neighbours = Post.objects.without_text().in_bulk(parts[max(index - 1, 0) : index + 2])
        previous = neighbours.get(parts[index - 1]) if index > 0 else None
        following = neighbours.get(parts[index + 1]) if index + 1 < len(parts) else None
        return {
            "number": index + 1,
            "count": len(parts),
            "previous": previous,
            "next": following,
        }

    def structured_data(self, url: str, absolute_uri=str) -> dict:
        """schema.org BlogPosting for search engines, rendered as JSON-LD on the post's page:
        its tags as keywords, its series as what it is part of (`absolute_uri` turns a path
        into a full address, as request.build_absolute_uri does)."""
        extra = {}
        keywords = [tag.name for tag in self.tags.all()]
        if keywords:
            extra["keywords"] = keywords
        if self.series_id is not None:
            extra["isPartOf"] = {
                "@type": "CreativeWorkSeries",
                "name": self.series.title,
                "url": absolute_uri(self.series.get_absolute_url()),
            }
        return {
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "headline": self.title,
            "description": self.description,
            "datePublished": self.published_at,
            "dateModified": self.updated_at,
            "author": {
                "@type": "Person" if self.author or self.byline else "Organization",
                "name": self.author_name,
            },
            "url": url,
            "mainEntityOfPage": url,
            **extra,
        }

    @property
    def author_name(self) -> str:
        if self.author is None:
            return self.byline or settings.BLOG_TITLE
        return self.author.get_full_name() or self.author.get_username()
