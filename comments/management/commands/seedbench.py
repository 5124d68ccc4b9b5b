"""The old name of `seed_bench`, for this release only (ops/management/renamed.py)."""

from comments.management.commands.seed_bench import Command as SeedBench
from ops.management.renamed import renamed

Command = renamed(SeedBench, old_name="seedbench")
