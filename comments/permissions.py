"""Who may moderate comments: the one definition, used by the admin, the services and templates.

Moderators are the users holding this permission, directly or through the Moderators group
(comments migration 0002). Being staff is not enough, and is not needed: staff are the blog's
authors (blog.models.is_author), which is what the Author badge on a comment shows.
"""

MODERATE_PERMISSION = "comments.change_comment"


def is_moderator(user) -> bool:
    return user is not None and user.is_authenticated and user.has_perm(MODERATE_PERMISSION)
