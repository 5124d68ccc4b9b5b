"""What the task worker does for webmentions: verify one received, send ours. Each task that
fetches a stranger's page runs on the queue "remote", whose own worker no mail waits behind."""

from django_tasks import task

from webmentions import receiving, sending


@task(queue_name="remote")
def verify(mention_id: int, ip_address: str | None) -> None:
    receiving.verify(mention_id, ip_address)


@task()
def send_for_post(post_id: int) -> None:
    """Find the post's external links and queue a webmention to each (no fetch: any queue)."""
    sending.send_for_post(post_id)


@task(queue_name="remote")
def send_one(sent_id: int) -> None:
    sending.send_one(sent_id)
