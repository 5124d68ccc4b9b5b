"""What the blog tells the apps that depend on it (it imports none of them).

`post_became_public` (sender: `Post`, `post`: the post): the post is public now, by
`Post.objects.published()`, and was not when last announced. Sent once per publication by
`blog.publication.announce_if_public`, in the worker, inside the transaction that marks the
post announced (`Post.public_announced_at`): a receiver that raises undoes the mark. A post
withdrawn (made a draft, or scheduled again) and published again is announced again, so
receivers must be idempotent. Queue work with `transaction.on_commit`.
"""

from django.dispatch import Signal

post_became_public = Signal()
