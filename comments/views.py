from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from blog.models import Post
from blog.views import PostDetailView
from comments import services
from comments.forms import CommentForm
from comments.models import Comment
from ops.client_ip import client_ip
from ops.views import resends_on_outage

OWN_COMMENTS_COOKIE = "own_comments"
OWN_COMMENTS_SALT = "comments.own"
OWN_COMMENTS_KEPT = 20
OWN_COMMENTS_MAX_AGE = 30 * 24 * 3600


# Anonymous readers get no CSRF cookie (so post pages stay cacheable); the form's signed token,
# bound to the post and the signed-in account, protects this view instead (see comments.forms).
@csrf_exempt
@require_POST
@resends_on_outage(CommentForm)
def post_comment(request, slug):
    post = get_object_or_404(Post.objects.published(), slug=slug)
    user = request.user if request.user.is_authenticated else None
    form = CommentForm(request.POST, post=post, user=user)
    if not form.is_valid():
        return render_post_page(request, post, form, status=400)
    try:
        comment = services.submit_comment(
            post=post,
            submission=form.submission(),
            parent=form.cleaned_data["parent"],
            ip_address=client_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
            user=user,
            site_url=f"{request.scheme}://{request.get_host()}",
        )
    except services.FloodLimitExceeded:
        minutes = settings.COMMENTS_FLOOD_WINDOW_SECONDS // 60
        form.add_error(
            None,
            f"You have sent {settings.COMMENTS_FLOOD_LIMIT} comments in the last {minutes} "
            "minutes, which is as many as we accept from one address. Your comment is kept "
            "below: please send it again in a few minutes.",
        )
        response = render_post_page(request, post, form, status=429)
        response["Retry-After"] = str(settings.COMMENTS_FLOOD_WINDOW_SECONDS)
        return response

    if comment.status == Comment.Status.APPROVED:
        messages.success(request, "Your comment is published.")
    else:
        messages.success(
            request, "Thank you: your comment is awaiting moderation and will appear once approved."
        )
    response = HttpResponseRedirect(f"{post.get_absolute_url()}#comment-{comment.pk}", status=303)
    remember_own_comment(request, response, comment)
    return response


@require_safe
def permalink(request, pk):
    """Send a link to one approved comment to the page of the post that shows it."""
    comment = get_object_or_404(
        Comment.objects.approved().filter(post__in=Post.objects.published()), pk=pk
    )
    page = comment.thread_position() // settings.COMMENTS_PER_PAGE + 1
    query = f"?comment_page={page}" if page > 1 else ""
    return redirect(f"{comment.post.get_absolute_url()}{query}#comment-{comment.pk}")


def render_post_page(request, post, form, status):
    """Show the post page again with the reader's form, so nothing they typed is lost."""
    view = PostDetailView()
    view.setup(request, slug=post.slug)
    # The view's own query: it brings what the page's fragment caches are keyed by.
    view.object = view.get_object()
    return view.render_to_response(view.get_context_data(comment_form=form), status=status)


def own_comment_ids(request) -> list[int]:
    """The comments this browser sent (a signed cookie set only after posting)."""
    value = request.get_signed_cookie(
        OWN_COMMENTS_COOKIE, default="", salt=OWN_COMMENTS_SALT, max_age=OWN_COMMENTS_MAX_AGE
    )
    return [int(pk) for pk in value.split(",") if pk.isdigit()]


def remember_own_comment(request, response, comment):
    ids = [*own_comment_ids(request), comment.pk][-OWN_COMMENTS_KEPT:]
    response.set_signed_cookie(
        OWN_COMMENTS_COOKIE,
        ",".join(map(str, ids)),
        salt=OWN_COMMENTS_SALT,
        max_age=OWN_COMMENTS_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
