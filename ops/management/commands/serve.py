"""`manage.py serve`: the site's processes under ops.supervisor (what `make run` runs)."""

import sys

from django.core.management.base import BaseCommand

from ops import supervisor


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn on $HOST:$PORT until Ctrl-C or SIGTERM, then stop every "
        "process and, without DATABASE_URL, the embedded PostgreSQL (ops/supervisor.py)."
    )
    # gunicorn's workers load and check the site; this process only starts and stops them.
    requires_system_checks = []

    def handle(self, **options):
        sys.exit(supervisor.main())
