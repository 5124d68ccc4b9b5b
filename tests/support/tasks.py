"""Tasks that exist only for the tests; the real worker imports them as it imports the site's."""

from django.db import connection
from django_tasks import task


@task(queue_name="remote")
def hold_the_database(seconds: float) -> None:
    """A statement that outlives its task's time limit, as a slow query or a waited-for lock."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])
