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
from django.views.generic import FormView

from blog.models import Post
from comments.services import publish_for_trusted_writer
from notifications import links, services, tasks
from notifications.confirmed_browser import CONFIRMED_ADDRESSES
from notifications.forms import DataRequestForm, FollowForm, SubscribeForm
from notifications.models import Address, NewPostSubscription, Subscription
from notifications.services import NEW_POSTS, describe
from ops import rate_limits
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


class AddressFormView(FormView):
    """A form of one address that asks for mail: an invalid form is shown again with 400, a
    refusal for too many requests with the one 429 of `ops.rate_limits`. Subclasses ask
    (`ask(email)`, which may raise RateLimited) and answer (`answer()`)."""

    noindex = True  # a page of its own, never indexed

    def form_valid(self, form):
        try:
            self.ask(form.cleaned_data["email"])
        except rate_limits.RateLimited as refusal:
            return rate_limits.refuse(
                self.request,
                refusal,
                form=form,
                page=lambda status: self.form_invalid(form, status),
            )
        return self.answer()

    def form_invalid(self, form, status=400):
        return self.render_to_response(self.get_context_data(form=form), status=status)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.noindex:
            response["X-Robots-Tag"] = "noindex"
        return response


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class FollowView(AddressFormView):
    """POST /posts/<slug>/follow/: the same answer whatever the address (no enumeration)."""

    http_method_names = ["post"]
    form_class = FollowForm
    template_name = "notifications/follow.html"
    noindex = False  # shown only when the post page's form needs correcting

    def post(self, request, *args, slug, **kwargs):
        self.followed = get_object_or_404(Post.objects.published(), slug=slug)
        return super().post(request, *args, slug=slug, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "post": self.followed}

    def get_context_data(self, **kwargs):
        return super().get_context_data(post=self.followed, **kwargs)

    def ask(self, email):
        services.request_mail(
            email=email,
            post=self.followed,
            ip_address=client_ip(self.request),
            marks=CONFIRMED_ADDRESSES.ids(self.request),
        )

    def answer(self):
        messages.success(self.request, FOLLOW_ANSWER)
        return HttpResponseRedirect(f"{self.followed.get_absolute_url()}#follow", status=303)


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class SubscribeView(AddressFormView):
    """ "Subscribe to new posts" (every page's footer posts here; GET shows the form alone):
    the same answer whatever the address (no enumeration)."""

    form_class = SubscribeForm
    template_name = "notifications/subscribe.html"

    def ask(self, email):
        services.request_new_posts(
            email=email,
            ip_address=client_ip(self.request),
            marks=CONFIRMED_ADDRESSES.ids(self.request),
        )

    def answer(self):
        return page(self.request, title="Check your inbox", text=SUBSCRIBE_ANSWER)


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


DATA_ANSWER = (
    "Thank you. If comments were written with that address, we have emailed it a link to see, "
    "download or delete them. The link works for one hour."
)


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class DataRequestView(AddressFormView):
    """ "Your comments and data": the same answer whatever the address (no enumeration); the
    look-up happens in the worker, which mails a link only to an address the site knows."""

    form_class = DataRequestForm
    template_name = "notifications/your_data.html"

    def ask(self, email):
        services.request_data_link(email, client_ip(self.request))

    def answer(self):
        return page(self.request, title="Check your inbox", text=DATA_ANSWER)


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class DataPageView(View):
    """The mailed link's page: every comment of the address, a download button and a delete
    button; only their POSTs act."""

    def get(self, request, token):
        link = links.data_link(token)
        if link is None:
            return bad_link_page(request, DATA_LINK_GONE)
        comments = services.comments_of(link.email).select_related("post")
        return render(
            request,
            "notifications/your_data_page.html",
            {"email": link.email, "comments": comments},
        )

    def post(self, request, token):
        link = links.data_link(token)
        if link is None:
            return bad_link_page(request, DATA_LINK_GONE)
        email = link.email
        if request.POST.get("action") == "download":
            response = JsonResponse(services.export(email), json_dumps_params={"indent": 2})
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
