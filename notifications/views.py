"""The pages behind the links in mail, and the "Follow the discussion" form.

A link that changes something opens a page with a button; only the POST of that button acts
(mail scanners follow links). The signed link is all the authority these views need, so they
are CSRF-exempt: the RFC 8058 one-click unsubscribe POST comes from a mail provider with no
cookie and no Referer.
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from blog.models import Post
from notifications import links, services, tasks
from notifications.confirmed_browser import CONFIRMED_ADDRESSES
from notifications.forms import FollowForm
from notifications.models import Address, Subscription
from ops.client_ip import client_ip

FOLLOW_ANSWER = (
    "Thank you. New comments on this post will be emailed to that address. Unless this browser "
    "confirmed it before, we first email a link to confirm it: check your inbox."
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
        except services.TooManyRequests:
            form.add_error(
                None,
                "Too many requests for mail from this address or this connection in the last "
                "hour. Please try again later.",
            )
            return self.show_form(request, post, form, status=429)
        messages.success(request, FOLLOW_ANSWER)
        return HttpResponseRedirect(f"{post.get_absolute_url()}#follow", status=303)

    def show_form(self, request, post, form, status):
        response = render(
            request, "notifications/follow.html", {"post": post, "form": form}, status=status
        )
        if status == 429:
            response["Retry-After"] = "3600"
        return response


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class ConfirmView(View):
    def get(self, request, token):
        address = links.address_to_confirm(token)
        if address is None:
            return page(request, title="Link not valid", text=INVALID_LINK, status=400)
        pending = address.subscriptions.filter(active_since=None).select_related("post", "thread")
        return page(
            request,
            title="Confirm your address",
            text=f"Press the button to receive mail from us at {address.email}:",
            details=[str(describe(subscription)) for subscription in pending],
            button="Confirm my address",
        )

    def post(self, request, token):
        address = links.address_to_confirm(token)
        if address is None:
            return page(request, title="Link not valid", text=INVALID_LINK, status=400)
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
class UnsubscribeView(View):
    """One subscription. Also the RFC 8058 one-click target of List-Unsubscribe."""

    def get(self, request, token):
        subscription = self.subscription(token)
        if subscription is None:
            return self.gone(request, token)
        return page(
            request,
            title="Stop these emails",
            text=f"Stop emailing {subscription.address.email} about {describe(subscription)}?",
            button="Stop these emails",
        )

    def post(self, request, token):
        subscription = self.subscription(token)
        if subscription is None:
            return self.gone(request, token)
        subscription.delete()
        return page(
            request,
            title="Emails stopped",
            text=f"We will not email {subscription.address.email} about "
            f"{describe(subscription)} any more.",
        )

    def subscription(self, token):
        pk = links.subscription_pk(token)
        return pk and Subscription.objects.select_related("address", "post").filter(pk=pk).first()

    def gone(self, request, token):
        if links.subscription_pk(token) is None:
            return page(request, title="Link not valid", text=INVALID_LINK, status=400)
        return page(request, title="Emails stopped", text="These emails were stopped already.")


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class StopAllView(View):
    """Every subscription of one address, and its confirmation: nothing more is sent to it."""

    def get(self, request, token):
        address = self.address(token)
        if address is None:
            return page(request, title="Link not valid", text=INVALID_LINK, status=400)
        return page(
            request,
            title="Stop all mail",
            text=f"Stop all mail from us to {address.email}?",
            button="Stop all mail",
        )

    def post(self, request, token):
        address = self.address(token)
        if address is None:
            return page(request, title="Link not valid", text=INVALID_LINK, status=400)
        address.subscriptions.all().delete()
        Address.objects.filter(pk=address.pk).update(confirmed_at=None)
        return page(
            request,
            title="All mail stopped",
            text=f"We will not email {address.email} any more, unless it asks again and confirms.",
        )

    def address(self, token):
        pk = links.address_pk(token)
        return pk and Address.objects.filter(pk=pk).first()


def describe(subscription) -> str:
    if subscription.thread_id:
        return f"replies to a discussion on “{subscription.post.title}”"
    return f"new comments on “{subscription.post.title}”"


def follow_url(post) -> str:
    return reverse("notifications:follow", kwargs={"slug": post.slug})
