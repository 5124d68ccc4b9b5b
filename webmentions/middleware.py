"""The post pages say where to send webmentions: `Link: <...>; rel="webmention"` (W3C
Webmention, 3.1.2). Added here rather than in the blog's view so the blog knows nothing of
webmentions; it is on the response before the page cache (ops.page_cache) keeps it, so cached
answers and 304s carry it too."""

from django.urls import reverse

POST_PAGE = "blog:post-detail"


class AdvertiseEndpointMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name == POST_PAGE:
            endpoint = request.build_absolute_uri(reverse("webmentions:endpoint"))
            response.headers["Link"] = f'<{endpoint}>; rel="webmention"'
        return response
