"""What other apps may listen to, so that comments needs to know none of them.

Both are sent once the transaction that made the change has committed.
"""

from django.dispatch import Signal

# A reader's comment was stored (any status). Arguments: comment, request.
comment_submitted = Signal()

# Comments became public: approved by a moderator in one action, or a moderator's own comment.
# Arguments: comment_ids (a list; comments approved together come together).
comments_published = Signal()

# Asked before a comment is judged: does the writer's browser prove that `email` is theirs?
# Arguments: email, request. A receiver returns True to vouch; any True makes the writer proven
# (trust also needs an approved comment from that address: comments.services.is_trusted).
writer_proves_address = Signal()
