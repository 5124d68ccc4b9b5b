"""The old name of `purge_comments`, for this release only (ops/management/renamed.py)."""

from comments.management.commands.purge_comments import Command as PurgeComments
from ops.management.renamed import renamed

Command = renamed(PurgeComments, old_name="purgecomments")
