import math

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from markdownx.models import MarkdownxField

from blog.markdown import render_article

WORDS_READ_PER_MINUTE = 230


class PostQuerySet(models.QuerySet):
    def published(self):
        """What the public sees: published posts whose publication time has come."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The post's address: /posts/<slug>/."
    )
    description = models.CharField(
        max_length=300,
        help_text="One or two sentences shown on the home page and to search engines.",
    )
    body = MarkdownxField(help_text="Markdown. Start sections with ## headings.")
    body_html = models.TextField(editable=False)
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
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_article(self.body)
        words = len(strip_tags(self.body_html).split())
        self.reading_time_minutes = max(1, math.ceil(words / WORDS_READ_PER_MINUTE))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("blog:post-detail", kwargs={"slug": self.slug})

    @property
    def author_name(self) -> str:
        if self.author is None:
            return settings.BLOG_TITLE
        return self.author.get_full_name() or self.author.get_username()
