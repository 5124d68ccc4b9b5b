"""The old name of `highlight_css`, for this release only (ops/management/renamed.py)."""

from blog.management.commands.highlight_css import Command as HighlightCss
from ops.management.renamed import renamed

Command = renamed(HighlightCss, old_name="highlightcss")
