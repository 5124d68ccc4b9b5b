"""The old name of `load_posts`, for this release only (ops/management/renamed.py)."""

from blog.management.commands.load_posts import Command as LoadPosts
from ops.management.renamed import renamed

Command = renamed(LoadPosts, old_name="loadposts")
