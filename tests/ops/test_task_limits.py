"""The task queues, with the real workers as the supervisor runs them: the mail's worker and the
remote fetches' worker, and the hard time limit on every task (ops/task_limits.py)."""

from django_tasks_db.models import DBTaskResult

from ops.mail import send_later
from tests.support.factories import PostFactory
from tests.support.mail import TaskWorker, task_worker
from tests.support.pages import TricklingServer
from tests.support.tasks import hold_the_database
from tests.support.web import until
from webmentions import tasks
from webmentions.models import Webmention


def test_mail_leaves_at_once_while_a_trickling_site_holds_the_remote_worker_until_its_limit(
    mail_server, transactional_db
):
    """A webmention's source trickles its answer a byte every 1.5 s (a fetch deadline of 60 s
    here, so the task's own time limit, 10 s, ends it): meanwhile a confirmation mail goes out
    through the other worker, and the held task is recorded as failed, its worker alive."""
    mail_server.messages.clear()
    if not mail_server.running:
        mail_server.start()
    source = TricklingServer(pace=1.5)
    source.start()
    env = {
        **mail_server.settings(),
        "FETCH_ALLOWED_TEST_ADDRESSES": source.address,
        "FETCH_TIMEOUT_SECONDS": "60",
        "REMOTE_TASK_TIME_LIMIT_SECONDS": "10",
    }
    post = PostFactory()
    mention = Webmention.objects.create(
        source=source.url("/reply"), target=f"http://testserver{post.get_absolute_url()}", post=post
    )
    try:
        with (
            TaskWorker.others_paused(),
            task_worker(env, queues="default") as mail_worker,
            task_worker(env, queues="remote") as remote_worker,
        ):
            mail_worker.wait_until_started()
            remote_worker.wait_until_started()
            verification = tasks.verify.enqueue(mention.pk, "203.0.113.9")
            until(lambda: source.holding == 1, "the remote worker to be held by the source", 30)

            send_later(to="reader@example.com", subject="Confirm", text="Please confirm.")
            mail_server.wait_for("reader@example.com", seconds=8)
            assert source.holding == 1  # the fetch is still held

            def ended():
                return DBTaskResult.objects.get(pk=verification.id).status == "FAILED"

            until(ended, "the time limit to end the held task", 30)
            result = DBTaskResult.objects.get(pk=verification.id)
            assert result.exception_class_path == "ops.task_limits.TaskTimeLimitExceeded"
            assert remote_worker.process.poll() is None  # the worker lives on
    finally:
        source.stop()


def test_a_task_stopped_by_its_limit_in_the_middle_of_a_query_leaves_its_worker_working(
    transactional_db,
):
    """The limit rings while PostgreSQL runs the task's statement: the statement is cancelled,
    the task recorded as failed, and the same worker runs the next task (a worker dying there
    would stop the whole site under the supervisor)."""
    with (
        TaskWorker.others_paused(),
        task_worker({"REMOTE_TASK_TIME_LIMIT_SECONDS": "2"}, queues="remote") as worker,
    ):
        worker.wait_until_started()
        held = hold_the_database.enqueue(60)

        def ended(result):
            return lambda: DBTaskResult.objects.get(pk=result.id).status in ("FAILED", "SUCCESSFUL")

        until(ended(held), "the time limit to end the held query", 30)
        failed = DBTaskResult.objects.get(pk=held.id)
        assert failed.status == "FAILED"
        assert failed.exception_class_path == "ops.task_limits.TaskTimeLimitExceeded"

        following = hold_the_database.enqueue(0)
        until(ended(following), "the worker to run the next task", 30)
        assert DBTaskResult.objects.get(pk=following.id).status == "SUCCESSFUL"
        assert worker.process.poll() is None
