"""The old name of `backup_db`, for this release only (ops/management/renamed.py)."""

from ops.management.commands.backup_db import Command as BackupDb
from ops.management.renamed import renamed

Command = renamed(BackupDb, old_name="backupdb")
