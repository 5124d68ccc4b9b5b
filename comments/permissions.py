"""Who may moderate comments: the one definition, used by the admin, the services and templates.

Moderators are the users holding this permission, directly or through the Moderators group
(comments migration 0002). Being staff is not enough, and is not needed: staff are the blog's
authors (blog.models.is_author), which is what the Author badge on a comment shows.
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
