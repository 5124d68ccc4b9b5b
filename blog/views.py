from functools import partial

from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView, TemplateView

from blog import sharing
from blog.caching import (
    PRIVATE_CACHE_CONTROL,
    ConditionalPageMixin,
    listing_page_version,
    post_page_version,
    taxonomy_page_version,
)
from blog.forms import SearchForm, search_terms
from blog.models import Post, Series, Tag
from blog.search import search_posts
from ops.page_cache import object_id, page_number, shareable


@shareable(page=page_number())
class PostListView(ConditionalPageMixin, ListView):
    # Built once: published() compares with PostgreSQL's clock when each query runs.
    queryset = Post.objects.published().select_related("author")
    paginate_by = 10

    def page_version(self):
        return listing_page_version(Post.objects.listing_version().get())


class PostGroupView(ConditionalPageMixin, ListView):
    """The page of a tag or a series: its public posts, paginated like the home page. The group
    is read once, with its version (PostGroupQuerySet.for_page); an unknown slug is a 404."""

    group_model = None
    paginate_by = 10

    @cached_property
    def group(self):
        return get_object_or_404(self.group_model.objects.for_page(), slug=self.kwargs["slug"])

    def page_version(self):
        return taxonomy_page_version(self.group)

    def get_queryset(self):
        lookup = {self.group_model.POSTS_LOOKUP: self.group}
        return Post.objects.published().filter(**lookup).without_text().select_related("author")

    def get_context_data(self, **kwargs):
        return super().get_context_data(group=self.group, **kwargs)


@shareable(page=page_number())
class TagDetailView(PostGroupView):
    group_model = Tag
    template_name = "blog/tag_detail.html"


@shareable(page=page_number())
class SeriesDetailView(PostGroupView):
    """The parts in their order."""

    group_model = Series
    template_name = "blog/series_detail.html"

    def get_queryset(self):
        return super().get_queryset().order_by("series_order")


@shareable(comment_page=page_number(), reply_to=object_id)
class PostDetailView(ConditionalPageMixin, DetailView):
    """The post page. Other apps extend it through templates (template tags) or by subclassing
    it, as the comments app does to take its form on this page (FormMixin with DetailView)."""

    queryset = Post.objects.for_post_page()

    def get_object(self, queryset=None):
        # page_version() may have read it already, to answer 304 or build the page.
        if getattr(self, "object", None) is None:
            self.object = super().get_object(queryset)
        return self.object

    def page_version(self):
        return post_page_version(self.get_object())

    def get_context_data(self, **kwargs):
        post = self.object
        url = self.request.build_absolute_uri(post.get_absolute_url())
        return super().get_context_data(
            canonical_url=url,
            # Built only if the cached head fragment is (it reads the tags: a query).
            structured_data=partial(post.structured_data, url, self.request.build_absolute_uri),
            page_version=self.page_version(),
            **kwargs,
        )


@shareable(q=search_terms, page=page_number())
class SearchView(ConditionalPageMixin, ListView):
    """Search results; with no query just the form, with a bad one the form's message and a 400.
    Cached like the home page (the results change when the published posts do), under the
    query with its spaces normalised (search_terms)."""

    template_name = "blog/search.html"
    paginate_by = 10

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.form = SearchForm(request.GET if "q" in request.GET else None)

    def page_version(self):
        return listing_page_version(Post.objects.listing_version().get())

    def get_queryset(self):
        if not self.form.is_valid():
            return Post.objects.none()
        return search_posts(self.form.cleaned_data["q"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        if self.form.is_bound and not self.form.is_valid():
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class SharePreviewView(TemplateView):
    """A draft or scheduled post as it will look, for whoever has a share link (blog.sharing):
    no comment form, never indexed, never kept by a shared cache. A revoked or mistyped link
    answers 404, an expired one 410, each with a page that says so."""

    template_name = "blog/post_share.html"

    def get(self, request, token):
        try:
            post = sharing.read(token)
        except sharing.LinkExpired:
            response = self.refuse("expired", status=410)
        except sharing.LinkInvalid:
            response = self.refuse("invalid", status=404)
        else:
            response = self.render_to_response(self.get_context_data(post=post))
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        patch_cache_control(response, **PRIVATE_CACHE_CONTROL)
        return response

    def refuse(self, reason, status):
        return self.response_class(
            request=self.request,
            template="blog/share_refused.html",
            context={"reason": reason, "max_age": sharing.max_age()},
            status=status,
        )
