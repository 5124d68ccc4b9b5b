"""Who may moderate: the one definition, used by the admin, the services, the mail and templates.

Moderators are the users holding this permission, directly or through the Moderators group
(comments migration 0002). Being staff is not enough, and is not needed: staff are the blog's
authors (blog.models.is_author), which is what the Author badge on a comment shows. The
permission is the comments' own for now: every kind is moderated by the same people.
"""

from django.contrib.auth import get_user_model

MODERATE_PERMISSION = "comments.change_comment"


def is_moderator(user) -> bool:
    return user is not None and user.is_authenticated and user.has_perm(MODERATE_PERMISSION)


def moderators():
    """The active accounts that may moderate (superusers included), as is_moderator decides:
    Django's ModelBackend answers both."""
    return get_user_model().objects.with_perm(
        MODERATE_PERMISSION, backend="django.contrib.auth.backends.ModelBackend"
    )
