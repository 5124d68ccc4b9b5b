"""The signed mark a browser gets when it confirms an address: with it, that browser may add
subscriptions for that address without another mailed link. It names address ids only (never
the address) and lives as long as the own-comments cookie."""

from comments.own_comments import OWN_COMMENTS
from ops.id_cookies import IdCookie

CONFIRMED_ADDRESSES = IdCookie(
    name="mail_confirmed",
    salt="notifications.confirmed-browser",
    kept=5,
    max_age=OWN_COMMENTS.max_age,
)
