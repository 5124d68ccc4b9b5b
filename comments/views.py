from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.generic.edit import FormMixin

from blog.models import Post
from blog.views import PostDetailView
from comments import decision_links, services
from comments.forms import CommentForm, EditForm
from comments.models import Comment, ModerationDecision
from comments.own_comments import OWN_COMMENTS
from comments.permissions import is_moderator
from comments.signals import comment_submitted, writer_proves_address
from moderation import decisions
from ops import rate_limits
from ops.client_ip import client_ip
from ops.signed_links import bad_link_page


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
                writer_proven=writer_proven(form.cleaned_data["email"], request),
            )
        except rate_limits.RateLimited as refusal:
            return rate_limits.refuse(
                request, refusal, form=form, page=lambda status: self.form_invalid(form, status)
            )
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


def writer_proven(email: str, request) -> bool:
    answers = writer_proves_address.send(sender=Comment, email=email, request=request)
    return any(answer is True for _, answer in answers)


@require_safe
def permalink(request, pk):
    """Send a link to one approved comment to the page of the post that shows it."""
    comment = get_object_or_404(
        Comment.objects.approved().filter(post__in=Post.objects.published()), pk=pk
    )
    page = comment.thread_position() // settings.COMMENTS_PER_PAGE + 1
    query = f"?comment_page={page}" if page > 1 else ""
    return redirect(f"{comment.post.get_absolute_url()}{query}#comment-{comment.pk}")


BAD_DECISION_LINK = (
    "This moderation link is not valid: it may have expired (links work for 7 days), be "
    "incomplete, or belong to an account that may no longer moderate. The comment can still be "
    "moderated in the admin."
)


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class DecisionLinkView(View):
    """A moderator's mailed Approve / Spam / Reject link: GET shows the comment and one button,
    only the button's POST decides (mail scanners follow links). The signed link is the
    authority (the moderator need not be signed in here); the POST checks again that its
    moderator may still moderate and that nobody has decided since the mail was written."""

    template_name = "comments/decide.html"

    def get(self, request, token):
        return self.answer(request, token)

    def post(self, request, token):
        return self.answer(request, token, deciding=True)

    def answer(self, request, token, deciding=False):
        try:
            link = decision_links.read(token)
        except decision_links.BadLink:
            return bad_link_page(request, BAD_DECISION_LINK)
        item, kind = link["item"], link["kind"]
        moderator = get_user_model().objects.filter(pk=link["moderator_pk"]).first()
        if not (moderator and moderator.is_active and is_moderator(moderator)):
            return bad_link_page(request, BAD_DECISION_LINK, status=403)
        context = {
            "action": link["action"],
            "status": link["status"],
            "item": item,
            "noun": kind.noun,
            "author": kind.author(item),
            "excerpt": kind.excerpt(item),
            "post": kind.post(item),
        }
        if isinstance(item, Comment):
            context["comment"] = item
        if kind.decision_count(item) != link["decision_count"]:
            return self.stale(request, context, deciding)
        if deciding:
            unchanged = kind.queryset().filter(pk=item.pk)
            if hasattr(item, "decision_count"):
                unchanged = unchanged.filter(decision_count=link["decision_count"])
            decided = decisions.decide(
                unchanged, link["status"], moderator, channel=ModerationDecision.Channel.MAIL
            )
            if not decided:  # decided or edited a moment ago
                item.refresh_from_db()
                return self.stale(request, context, deciding)
            item.refresh_from_db()
            context["done"] = True
        return self.page(request, context)

    def stale(self, request, context, deciding):
        """Someone decided, or the writer edited the text, since the mail was written."""
        item = context["item"]
        context["decided"] = ModerationDecision.objects.of(item).select_related("moderator").first()
        edited_at = getattr(item, "edited_at", None)
        context["edited"] = edited_at is not None and (
            context["decided"] is None or edited_at > context["decided"].decided_at
        )
        return self.page(request, context, status=409 if deciding else 200)

    def page(self, request, context, status=200):
        response = render(request, self.template_name, context, status=status)
        response["X-Robots-Tag"] = "noindex"
        return response


class OwnCommentMixin:
    """Views of a comment for the browser that wrote it (the signed own-comments cookie)."""

    def dispatch(self, request, pk):
        self.comment = get_object_or_404(
            Comment.objects.select_related("post").filter(deleted_at=None), pk=pk
        )
        if pk not in OWN_COMMENTS.ids(request):
            return render(request, "comments/not_yours.html", status=403)
        return super().dispatch(request, pk)

    def back_to_post(self, fragment=""):
        return HttpResponseRedirect(f"{self.comment.post.get_absolute_url()}{fragment}", status=303)


class EditCommentView(OwnCommentMixin, View):
    """The writer's edit, within COMMENTS_EDIT_WINDOW_SECONDS and before an approved reply."""

    def get(self, request, pk):
        return self.show(request, EditForm(initial={"body": self.comment.body}))

    def post(self, request, pk):
        form = EditForm(request.POST)
        if not form.is_valid():
            return self.show(request, form, status=400)
        try:
            comment = services.edit_comment(self.comment, form.cleaned_data["body"])
        except services.NotEditable as refusal:
            form.add_error(None, str(refusal))
            return self.show(request, form, status=403)
        if comment.status == Comment.Status.APPROVED:
            messages.success(request, "Your comment is updated.")
        else:
            messages.success(
                request, "Your comment is updated and waits for a moderator to read it again."
            )
        return self.back_to_post(f"#comment-{comment.pk}")

    def show(self, request, form, status=200):
        context = {
            "comment": self.comment,
            "form": form,
            "refusal": services.edit_refusal(self.comment),
        }
        return render(request, "comments/edit.html", context, status=status)


class DeleteCommentView(OwnCommentMixin, View):
    """The writer's delete, at any time: a page with a button; only the POST deletes."""

    def get(self, request, pk):
        return render(request, "comments/delete.html", {"comment": self.comment})

    def post(self, request, pk):
        services.delete_comment(self.comment)
        messages.success(request, "Your comment is deleted.")
        return self.back_to_post("#comments")
