from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from blog.models import Post
from ops import rate_limits
from ops.client_ip import client_ip
from webmentions import receiving
from webmentions.models import Webmention


@csrf_exempt  # other sites post here, by the Webmention protocol, with no token of ours
@require_POST
def receive(request):
    """W3C Webmention's receiving endpoint: 202 and a status page once recorded; the worker
    verifies it."""
    try:
        mention = receiving.accept(
            request.POST.get("source", "").strip(),
            request.POST.get("target", "").strip(),
            request,
            client_ip(request),
        )
    except receiving.Refused as refusal:
        return HttpResponseBadRequest(str(refusal), content_type="text/plain; charset=utf-8")
    except rate_limits.RateLimited as refusal:
        return rate_limits.refuse(request, refusal)
    status_path = reverse("webmentions:status", args=[mention.status_token])
    status_url = request.build_absolute_uri(status_path)
    response = HttpResponse(
        f"Accepted: it will be verified, then moderated. Status: {status_url}\n",
        status=202,
        content_type="text/plain; charset=utf-8",
    )
    response.headers["Location"] = status_url
    return response


@require_GET
def status(request, token):
    """Where a sender reads how its webmention is doing (not what a moderator decided), at the
    random address its 202 gave; the post is named only while it is public."""
    mention = get_object_or_404(Webmention.objects.select_related("post"), status_token=token)
    public = Post.objects.published().filter(pk=mention.post_id).exists()
    return render(request, "webmentions/status.html", {"mention": mention, "post_public": public})
