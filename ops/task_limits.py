"""A hard time limit on every task the worker runs: TASK_TIME_LIMITS seconds by queue.

django-tasks-db has none of its own. When the worker starts a task (django-tasks'
`task_started` signal), a real-time interval timer is set; if the task is still running when it
rings, SIGALRM raises TaskTimeLimitExceeded in the task's code, and the worker records the task
as failed and takes the next one. The timer is cleared when the task finishes. The worker
process itself is never killed: the supervisor stops the whole site when one of its processes
ends.

The limits: "remote" (fetching strangers' pages, whose own deadline is FETCH_TIMEOUT_SECONDS)
60 s; "default" (mail) 15 minutes, enough for a newsletter batch of 50 at 10 s SMTP time-outs.
"""

import logging
import signal
import threading

from django.conf import settings
from django.dispatch import receiver
from django_tasks.signals import task_finished, task_started

logger = logging.getLogger("ops.tasks")


class TaskTimeLimitExceeded(KeyboardInterrupt):
    """Raised in a task that outran its queue's time limit. A KeyboardInterrupt: psycopg
    cancels the statement in flight for that alone (any other exception leaves the connection
    busy, and the worker dies recording the failure); and like it, not an Exception, so that no
    `except Exception` in the task swallows it."""


def time_limit(queue_name: str) -> float:
    limits = settings.TASK_TIME_LIMITS
    return limits.get(queue_name, limits["default"])


def ring(signum, frame):
    raise TaskTimeLimitExceeded("the task ran past its queue's time limit")


def on_main_thread() -> bool:
    """Signals reach the main thread only: under the autoreloader (db_worker --reload) tasks
    run on another thread, and get no limit."""
    return threading.current_thread() is threading.main_thread()


@receiver(task_started, dispatch_uid="ops.task_limits.start")
def start_clock(sender, task_result, **kwargs):
    if not on_main_thread():
        logger.warning("task %s runs with no time limit (not on the main thread)", task_result.id)
        return
    signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, time_limit(task_result.task.queue_name))


@receiver(task_finished, dispatch_uid="ops.task_limits.stop")
def stop_clock(sender, task_result, **kwargs):
    if on_main_thread():
        signal.setitimer(signal.ITIMER_REAL, 0)
