"""Old addresses of imported posts answer with a permanent redirect to the post."""

from django.http import HttpResponsePermanentRedirect

from blog.models import Post
from transfer.models import OldPath


class OldPathRedirectMiddleware:
    """Like django.contrib.redirects' fallback: only a 404 is looked up, so no page of ours is
    ever shadowed, and ordinary requests cost no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        paths = [request.path]
        if request.META.get("QUERY_STRING"):
            paths.insert(0, f"{request.path}?{request.META['QUERY_STRING']}")
        # Only to a public post: an old address must not reveal a draft's slug.
        old = (
            OldPath.objects.filter(path__in=paths, post__in=Post.objects.published())
            .select_related("post")
            .first()
        )
        if old is None:
            return response
        return HttpResponsePermanentRedirect(old.post.get_absolute_url())
