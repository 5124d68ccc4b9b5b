from django import template
from django.db.models import Count, Q
from django.utils.formats import date_format

from notifications.models import Address, NewPostMailing, NewPostSubscription

register = template.Library()


@register.simple_tag
def address_status(email):
    """Whether an address proved it is its writer's (the comment admin's "Who is this?")."""
    address = Address.objects.of(email).first()
    if address is None:
        return "never asked for mail"
    if address.confirmed_at is None:
        return "asked for mail, not verified"
    return f"verified on {date_format(address.confirmed_at, 'DATE_FORMAT')}"


@register.simple_tag
def newsletter_status(post):
    """Where the post's mail to the newsletter stands (the post's change page)."""
    mailing = NewPostMailing.objects.filter(post=post).first()
    if mailing is None:
        confirmed = NewPostSubscription.objects.active().count()
        return f"Not mailed yet: {confirmed} confirmed subscribers to new posts."
    copies = mailing.deliveries.aggregate(
        sent=Count("pk", filter=~Q(sent_at=None)),
        failed=Count("pk", filter=~Q(failed_at=None)),
        pending=Count("pk", filter=Q(sent_at=None, failed_at=None)),
    )
    started = date_format(mailing.started_at, "DATETIME_FORMAT")
    return (
        f"Mailed to subscribers from {started}: {copies['sent']} sent, "
        f"{copies['pending']} pending, {copies['failed']} failed."
    )
