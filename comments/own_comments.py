"""The comments this browser sent: a signed cookie, set only once a reader has commented.

It lets the writer see their own comments awaiting moderation (nobody else does). It keeps the
last 20 comments for 30 days.
"""

from ops.id_cookies import IdCookie

OWN_COMMENTS = IdCookie(name="own_comments", salt="comments.own", kept=20, max_age=30 * 24 * 3600)
