from django import template
from django.utils.formats import date_format

from notifications.models import Address, normalise

register = template.Library()


@register.simple_tag
def address_status(email):
    """Whether an address proved it is its writer's (the comment admin's "Who is this?")."""
    address = Address.objects.filter(email=normalise(email)).first()
    if address is None:
        return "never asked for mail"
    if address.confirmed_at is None:
        return "asked for mail, not verified"
    return f"verified on {date_format(address.confirmed_at, 'DATE_FORMAT')}"
