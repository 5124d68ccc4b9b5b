"""The old name of `restore_db`, for this release only (ops/management/renamed.py)."""

from ops.management.commands.restore_db import Command as RestoreDb
from ops.management.renamed import renamed

Command = renamed(RestoreDb, old_name="restoredb")
