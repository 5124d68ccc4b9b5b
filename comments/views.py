from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.generic.edit import FormMixin

from blog.models import Post
from blog.views import PostDetailView
from comments import services
from comments.forms import CommentForm
from comments.models import Comment
from comments.own_comments import OWN_COMMENTS
from comments.signals import comment_submitted
from ops.client_ip import client_ip


# Anonymous readers get no CSRF cookie (so post pages stay cacheable); the form's signed token,
# bound to the post and the signed-in account, protects this view instead (see comments.forms).
@method_decorator(csrf_exempt, name="dispatch")
class PostCommentView(FormMixin, PostDetailView):
    """The post page's "Post a Comment" form, sent to /posts/<slug>/comments/.

    Django's "Using FormMixin with DetailView" pattern: this is the post's own view with a form,
    so a form that is invalid or refused shows the post page again, with the reader's text and
    the reason, and nothing they typed is lost.
    """

    form_class = CommentForm
    http_method_names = ["post"]
    # The outage page (ops.views.service_unavailable) gives these fields back to the reader.
    resend_form_class = CommentForm

    def reader(self):
        return self.request.user if self.request.user.is_authenticated else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "post": self.object, "user": self.reader()}

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    def form_invalid(self, form, status=400):
        context = self.get_context_data(form=form, comment_form=form)
        return self.render_to_response(context, status=status)

    def form_valid(self, form):
        request = self.request
        try:
            comment = services.submit_comment(
                post=self.object,
                submission=form.submission(),
                parent=form.cleaned_data["parent"],
                notify_writer=form.cleaned_data["notify_writer"],
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
                user=self.reader(),
            )
        except services.FloodLimitExceeded:
            return self.flood_limit_exceeded(form)
        transaction.on_commit(
            lambda: comment_submitted.send(sender=Comment, comment=comment, request=request)
        )
        if comment.status == Comment.Status.APPROVED:
            messages.success(request, "Your comment is published.")
        else:
            messages.success(
                request,
                "Thank you: your comment is awaiting moderation and will appear once approved.",
            )
        response = HttpResponseRedirect(
            f"{self.object.get_absolute_url()}#comment-{comment.pk}", status=303
        )
        OWN_COMMENTS.add(request, response, comment.pk)
        return response

    def flood_limit_exceeded(self, form):
        minutes = settings.COMMENTS_FLOOD_WINDOW_SECONDS // 60
        form.add_error(
            None,
            f"You have sent {settings.COMMENTS_FLOOD_LIMIT} comments in the last {minutes} "
            "minutes, which is as many as we accept from one address. Your comment is kept "
            "below: please send it again in a few minutes.",
        )
        response = self.form_invalid(form, status=429)
        response["Retry-After"] = str(settings.COMMENTS_FLOOD_WINDOW_SECONDS)
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
