"""Who may moderate: defined once, in moderation.permissions; importable from here for one
release."""

from moderation.permissions import MODERATE_PERMISSION, is_moderator, moderators

__all__ = ["MODERATE_PERMISSION", "is_moderator", "moderators"]
