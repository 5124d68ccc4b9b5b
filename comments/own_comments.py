"""The comments this browser sent: a signed cookie, set only once a reader has commented.

It lets the writer see their own comments awaiting moderation (nobody else does), and readers who
never comment get no cookie at all, so their pages stay cacheable. It keeps the last
OWN_COMMENTS_KEPT comments for OWN_COMMENTS_MAX_AGE.
"""

from django.conf import settings

OWN_COMMENTS_COOKIE = "own_comments"
OWN_COMMENTS_SALT = "comments.own"
OWN_COMMENTS_KEPT = 20
OWN_COMMENTS_MAX_AGE = 30 * 24 * 3600


def own_comment_ids(request) -> list[int]:
    value = request.get_signed_cookie(
        OWN_COMMENTS_COOKIE, default="", salt=OWN_COMMENTS_SALT, max_age=OWN_COMMENTS_MAX_AGE
    )
    return [int(pk) for pk in value.split(",") if pk.isdigit()]


def remember_own_comment(request, response, comment) -> None:
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
