"""The pages behind the links in mail, and the "Follow the discussion" form.

A link that changes something opens a page with a button; only the POST of that button acts
(mail scanners follow links). The signed link is all the authority these views need, so they
are CSRF-exempt: the RFC 8058 one-click unsubscribe POST comes from a mail provider with no
cookie and no Referer.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from blog.models import Post
from comments.models import Comment
from comments.services import publish_for_trusted_writer
from notifications import links, services, tasks
from notifications.confirmed_browser import CONFIRMED_ADDRESSES
from notifications.forms import DataRequestForm, FollowForm, SubscribeForm
from notifications.models import Address, NewPostSubscription, Subscription
from ops import rate_limits
from ops.addresses import same_identity
from ops.client_ip import client_ip
from ops.signed_links import bad_link_page

FOLLOW_ANSWER = (
    "Thank you. New comments on this post will be emailed to that address. Unless this browser "
    "confirmed it before, we first email a link to confirm it: check your inbox."
)
SUBSCRIBE_ANSWER = (
    "Thank you. Each new post will be emailed to that address. Unless this browser confirmed it "
    "before, we first email a link to confirm it: check your inbox."
)
PUBLISH_GONE = (
    "This link is not valid any more: it may have expired, or a moderator has decided on the "
    "comment already."
)
INVALID_LINK = (
    "This link is not valid: it may have expired, or a newer one was sent. "
    "Ask for mail again from the post's page to get a new link."
)


def page(request, *, title, text, button=None, status=200, details=None):
    response = render(
        request,
        "notifications/page.html",
        {"title": title, "text": text, "button": button, "details": details},
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class FollowView(View):
    """POST /posts/<slug>/follow/: the same answer whatever the address (no enumeration)."""

    http_method_names = ["post"]

    def post(self, request, slug):
        post = get_object_or_404(Post.objects.published(), slug=slug)
        form = FollowForm(request.POST, post=post)
        if not form.is_valid():
            return self.show_form(request, post, form, status=400)
        try:
            services.request_mail(
                email=form.cleaned_data["email"],
                post=post,
                ip_address=client_ip(request),
                marks=CONFIRMED_ADDRESSES.ids(request),
            )
        except rate_limits.RateLimited as refusal:
            return rate_limits.refuse(
                request,
                refusal,
                form=form,
                page=lambda status: self.show_form(request, post, form, status),
            )
        messages.success(request, FOLLOW_ANSWER)
        return HttpResponseRedirect(f"{post.get_absolute_url()}#follow", status=303)

    def show_form(self, request, post, form, status):
        return render(
            request, "notifications/follow.html", {"post": post, "form": form}, status=status
        )


class AddressFormPage(View):
    """A page of its own holding one address form: never indexed."""

    template_name = None

    def show(self, request, form, status=200):
        response = render(request, self.template_name, {"form": form}, status=status)
        response["X-Robots-Tag"] = "noindex"
        return response

    def refuse(self, request, form, refusal):
        return rate_limits.refuse(
            request, refusal, form=form, page=lambda status: self.show(request, form, status)
        )


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class SubscribeView(AddressFormPage):
    """ "Subscribe to new posts" (every page's footer posts here; GET shows the form alone):
    the same answer whatever the address (no enumeration)."""

    template_name = "notifications/subscribe.html"

    def get(self, request):
        return self.show(request, SubscribeForm())

    def post(self, request):
        form = SubscribeForm(request.POST)
        if not form.is_valid():
            return self.show(request, form, status=400)
        try:
            services.request_new_posts(
                email=form.cleaned_data["email"],
                ip_address=client_ip(request),
                marks=CONFIRMED_ADDRESSES.ids(request),
            )
        except rate_limits.RateLimited as refusal:
            return self.refuse(request, form, refusal)
        return page(request, title="Check your inbox", text=SUBSCRIBE_ANSWER)


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class ConfirmView(View):
    def get(self, request, token):
        address = links.address_to_confirm(token)
        if address is None:
            return bad_link_page(request, INVALID_LINK)
        pending = address.subscriptions.filter(active_since=None).select_related("post", "thread")
        details = [describe(subscription) for subscription in pending]
        if NewPostSubscription.objects.filter(address=address, active_since=None).exists():
            details.insert(0, NEW_POSTS)
        return page(
            request,
            title="Confirm your address",
            text=f"Press the button to receive mail from us at {address.email}:",
            details=details,
            button="Confirm my address",
        )

    def post(self, request, token):
        address = links.address_to_confirm(token)
        if address is None:
            return bad_link_page(request, INVALID_LINK)
        tasks.confirm(address)
        response = page(
            request,
            title="Address confirmed",
            text=f"Thank you: {address.email} is confirmed. "
            "Every mail we send has a link to stop it.",
        )
        CONFIRMED_ADDRESSES.add(request, response, address.pk)
        return response


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class PublishView(View):
    """A trusted writer's "publish my comment" link: the button publishes the comment (if it
    still waits and no ban or rule stands against it) and marks this browser as the address's,
    so that their next comments from it are published at once."""

    def get(self, request, token):
        comment = links.comment_to_publish(token)
        if comment is None:
            return bad_link_page(request, PUBLISH_GONE)
        response = render(
            request, "notifications/publish.html", {"comment": comment, "title": "Publish"}
        )
        response["X-Robots-Tag"] = "noindex"
        return response

    def post(self, request, token):
        comment = links.comment_to_publish(token)
        if comment is None or not publish_for_trusted_writer(comment, comment.decision_count):
            return bad_link_page(request, PUBLISH_GONE)
        address = tasks.confirm_by_proof(comment.email)
        response = page(
            request,
            title="Comment published",
            text="Thank you: your comment is published, and your next comments from this "
            "browser will be published at once.",
        )
        CONFIRMED_ADDRESSES.add(request, response, address.pk)
        return response


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class StopMailView(View):
    """A link that stops mail: GET asks, with a button; POST (the button, or a mail client's
    RFC 8058 one-click POST) stops it. The signed id in the link is the only authority."""

    link: links.IdLink

    def get(self, request, token):
        target = self.target(token)
        if target is None:
            return self.not_found(request, token)
        title, question = self.question(target)
        return page(request, title=title, text=question, button=title)

    def post(self, request, token):
        target = self.target(token)
        if target is None:
            return self.not_found(request, token)
        return page(request, title="Emails stopped", text=self.stop(target))

    def not_found(self, request, token):
        if self.link.pk(token) is None:
            return bad_link_page(request, INVALID_LINK)
        return page(request, title="Emails stopped", text="These emails were stopped already.")


class UnsubscribeView(StopMailView):
    """One subscription: the List-Unsubscribe link of every notification."""

    link = links.UNSUBSCRIBE

    def target(self, token):
        pk = self.link.pk(token)
        return pk and Subscription.objects.select_related("address", "post").filter(pk=pk).first()

    def question(self, subscription):
        about = describe(subscription)
        return "Stop these emails", f"Stop emailing {subscription.address.email} about {about}?"

    def stop(self, subscription):
        subscription.delete()
        about = describe(subscription)
        return f"We will not email {subscription.address.email} about {about} any more."


class UnsubscribeNewPostsView(StopMailView):
    """The newsletter: the List-Unsubscribe link of every new post's mail."""

    link = links.UNSUBSCRIBE_NEW_POSTS

    def target(self, token):
        pk = self.link.pk(token)
        return pk and NewPostSubscription.objects.select_related("address").filter(pk=pk).first()

    def question(self, subscription):
        return "Unsubscribe", f"Stop emailing {subscription.address.email} about {NEW_POSTS}?"

    def stop(self, subscription):
        subscription.delete()  # with its copies of mailings not yet sent
        return f"We will not email {subscription.address.email} about {NEW_POSTS} any more."


class StopAllView(StopMailView):
    """Every subscription of one address, and its confirmation: nothing more is sent to it."""

    link = links.STOP_ALL

    def target(self, token):
        pk = self.link.pk(token)
        return pk and Address.objects.filter(pk=pk).first()

    def question(self, address):
        return "Stop all mail", f"Stop all mail from us to {address.email}?"

    def stop(self, address):
        address.subscriptions.all().delete()
        NewPostSubscription.objects.filter(address=address).delete()
        Address.objects.filter(pk=address.pk).update(confirmed_at=None)
        return f"We will not email {address.email} any more, unless it asks again and confirms."


NEW_POSTS = "each new post"


def describe(subscription) -> str:
    if subscription.thread_id:
        return f"replies to a discussion on “{subscription.post.title}”"
    return f"new comments on “{subscription.post.title}”"


DATA_ANSWER = (
    "Thank you. If comments were written with that address, we have emailed it a link to see, "
    "download or delete them. The link works for one hour."
)


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class DataRequestView(AddressFormPage):
    """ "Your comments and data": the same answer whatever the address (no enumeration); the
    look-up happens in the worker, which mails a link only to an address the site knows."""

    template_name = "notifications/your_data.html"

    def get(self, request):
        return self.show(request, DataRequestForm())

    def post(self, request):
        form = DataRequestForm(request.POST)
        if not form.is_valid():
            return self.show(request, form, status=400)
        try:
            services.request_data_link(form.cleaned_data["email"], client_ip(request))
        except rate_limits.RateLimited as refusal:
            return self.refuse(request, form, refusal)
        return page(request, title="Check your inbox", text=DATA_ANSWER)


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class DataPageView(View):
    """The mailed link's page: every comment of the address, a download button and a delete
    button; only their POSTs act."""

    def get(self, request, token):
        link = links.data_link(token)
        if link is None:
            return bad_link_page(request, DATA_LINK_GONE)
        email = link.email
        comments = Comment.objects.filter(same_identity(email)).select_related("post")
        return render(
            request, "notifications/your_data_page.html", {"email": email, "comments": comments}
        )

    def post(self, request, token):
        link = links.data_link(token)
        if link is None:
            return bad_link_page(request, DATA_LINK_GONE)
        email = link.email
        if request.POST.get("action") == "download":
            response = JsonResponse(export(email), json_dumps_params={"indent": 2})
            response["Content-Disposition"] = 'attachment; filename="my-comments.json"'
            return response
        if request.POST.get("action") != "delete":
            return page(request, title="Nothing done", text="Choose a button.", status=400)
        count = services.forget(email)  # its data links go with it
        return page(
            request,
            title="Your data is deleted",
            text=f"{count} {ngettext('comment', 'comments', count)} and everything we kept "
            f"about {email} are deleted (where someone replied, “Comment deleted” stays so "
            "that the replies still read). Backups age out on their own schedule.",
        )


DATA_LINK_GONE = (
    "This link is not valid: links work for one hour, and end once the data is deleted. Ask for "
    "a new one from the “Your comments and data” page."
)


def export(email: str) -> dict:
    """Everything the site holds about an address's comments, as JSON."""
    comments = (
        Comment.objects.filter(same_identity(email))
        .select_related("post")
        .prefetch_related("edits")
        .order_by("pk")
    )
    return {
        "email": email,
        "comments": [
            {
                "id": comment.pk,
                "post": comment.post.title,
                "url": links.absolute(comment.post.get_absolute_url()),
                "in_reply_to": comment.parent_id,
                "name": comment.name,
                "email": comment.email,
                "text": comment.body,
                "status": comment.status,
                "written_at": comment.created_at.isoformat(),
                "edited_at": comment.edited_at and comment.edited_at.isoformat(),
                "ip_address": comment.ip_address,
                "user_agent": comment.user_agent,
                "edits": [
                    {"before": edit.body_before, "after": edit.body_after}
                    for edit in comment.edits.all()
                ],
            }
            for comment in comments
        ],
        "subscriptions": [
            *(
                NEW_POSTS
                for _ in NewPostSubscription.objects.filter(
                    same_identity(email, "address__identity")
                )
            ),
            *(
                describe(subscription)
                for subscription in Subscription.objects.filter(
                    same_identity(email, "address__identity")
                ).select_related("post")
            ),
        ],
    }
