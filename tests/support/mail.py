"""A real SMTP server on loopback and the real task worker, for the tests of mail.

The server is aiosmtpd (the SMTP server of Python's asyncio world) keeping every message it
receives; the worker is `manage.py db_worker` (django-tasks-db) in its own process, sending
through that server exactly as in production, with retries and new-post batches made quick.
"""

import asyncio
import email
import os
import re
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus

from tests.support.servers import PROJECT_DIR, database_url, free_port
from tests.support.web import until


class MailServer:
    """SMTP on 127.0.0.1:`port`; `messages` holds what it received, parsed."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self._controller = None
        # Seconds each recipient waits before the server accepts it: a slow mail provider,
        # so that a test can stop a sender mid-batch (before a message is taken).
        self.recipient_delay = 0.0
        self._kill_at: tuple[int, int] | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        await asyncio.sleep(self.recipient_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        if self._kill_at is not None and len(self.messages) == self._kill_at[0]:
            pid = self._kill_at[1]
            self._kill_at = None
            os.kill(pid, signal.SIGKILL)  # the message is taken; the sender never hears so
        return "250 Message accepted"

    def kill_on_accepting(self, process: subprocess.Popen, count: int) -> None:
        """Kill `process` (SIGKILL) when the server has taken its `count`-th message in all,
        before it answers: the sender dies not knowing that the message went."""
        self._kill_at = (count, process.pid)

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
        self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if address in message["To"]]

    def wait_for(self, address: str, count: int = 1, seconds: float = 20) -> list[EmailMessage]:
        """Wait until `address` has received `count` messages; return them all."""
        until(lambda: len(self.to(address)) >= count, f"{count} mail(s) to {address}", seconds)
        return self.to(address)

    def settings(self) -> dict[str, str]:
        """The environment that makes the site send its mail here."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
            "EMAIL_TIMEOUT": "2",
        }


def text_of(message: EmailMessage) -> str:
    """The plain-text part, its lines ending in "\\n" (SMTP carries them as CR LF)."""
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def subject_of(message: EmailMessage) -> str:
    """The subject as a mail client shows it. Django folds a non-ASCII subject onto the line
    after "Subject:", and Python's parser keeps that fold's space in front."""
    return str(message["Subject"]).strip()


def link_in(message: EmailMessage, path_start: str) -> str:
    """The one link in the message's plain text whose path starts with `path_start`."""
    [url] = re.findall(rf"https?://\S+?{re.escape(path_start)}\S+/", text_of(message))
    return url


def subscribed(email_address: str, post, thread=None):
    """A confirmed address, following `post` (or one `thread` of it): the Subscription."""
    from django.utils import timezone

    from notifications.models import Address, Subscription

    now = timezone.now()
    address, _ = Address.objects.get_or_create(
        email=email_address,
        defaults={"confirmation_sent_at": now, "confirmation_mailed_at": now, "confirmed_at": now},
    )
    return Subscription.objects.create(address=address, post=post, thread=thread, active_since=now)


# How far ahead a task is about to run, for waiting on the worker: the test worker retries mail
# at most MAIL_RETRY_MAX_SECONDS (1 s) later.
IMMINENT = timedelta(seconds=5)


class TaskWorker:
    """`manage.py db_worker` on the test database."""

    running: list["TaskWorker"] = []  # every worker started and not yet stopped

    def __init__(self, process: subprocess.Popen, log: Path):
        self.process = process
        self.log = log

    def wait_until_started(self, seconds: float = 60) -> None:
        started = lambda: "Starting worker" in self.log.read_text()  # noqa: E731
        until(started, f"the worker to start (log: {self.log})", seconds)

    @classmethod
    @contextmanager
    def others_paused(cls):
        """Every worker already running (the session's) idle and stopped (SIGSTOP) meanwhile,
        so that a test's own workers alone take its tasks."""
        paused = list(cls.running)
        for worker in paused:
            worker.drain()
            worker.process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            for worker in paused:
                worker.process.send_signal(signal.SIGCONT)

    def drain(self, seconds: float = 30, ahead: timedelta = timedelta(0)) -> None:
        """Wait until no task is running or due, now or within `ahead` (IMMINENT: also a
        mail's retry, which the test worker schedules at most a second later). Before the
        test's database is flushed, so that no task row is deleted under a running worker;
        within a test, to know that what is due now is done."""
        from django_tasks_db.models import DBTaskResult, get_date_max

        def idle():
            soon = timezone.now() + ahead
            tasks = DBTaskResult.objects
            due = tasks.filter(status=TaskResultStatus.READY).filter(
                Q(run_after=get_date_max()) | Q(run_after__lte=soon)
            )
            return not due.exists() and not tasks.running().exists()

        until(idle, f"the task worker to finish its tasks (log: {self.log})", seconds)


@contextmanager
def task_worker(env: dict[str, str], queues: str = "default,remote"):
    """Start the worker of `queues` (both, as one worker, unless a test separates them) with
    `env` added to this process's environment; stop it at the end."""
    with tempfile.NamedTemporaryFile(prefix="worker-", suffix=".log", delete=False) as file:
        log = Path(file.name)
    print(f"the task worker logs to {log}")
    worker_env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MAIL_RETRY_BASE_SECONDS": "0.2",
        "MAIL_RETRY_MAX_SECONDS": "1",
        "NEW_POST_MAIL_BATCH_SECONDS": "0.2",
        **env,
    }
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--queue-name",
                queues,
                "--interval",
                "0.05",
                "--no-startup-delay",
            ],
            cwd=PROJECT_DIR,
            env=worker_env,
            stdout=output,
            stderr=output,
        )
    worker = TaskWorker(process, log)
    TaskWorker.running.append(worker)
    try:
        yield worker
    finally:
        TaskWorker.running.remove(worker)
        process.terminate()
        process.wait(timeout=30)


class Inbox:
    """What one test reads: the server's messages, and the worker to wait for."""

    def __init__(self, server: MailServer, worker: TaskWorker):
        self.server = server
        self.worker = worker

    def to(self, address: str) -> list[EmailMessage]:
        return self.server.to(address)

    def wait_for(self, address: str, count: int = 1, seconds: float = 20) -> list[EmailMessage]:
        return self.server.wait_for(address, count, seconds)

    def drain(self, ahead: timedelta = timedelta(0)) -> None:
        self.worker.drain(ahead=ahead)
