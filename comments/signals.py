"""What other apps may listen to, so that comments needs to know none of them.

Both are sent once the transaction that made the change has committed.
"""

from django.dispatch import Signal

# A reader's comment was stored (any status). Arguments: comment, request.
comment_submitted = Signal()

# Comments became public: approved by a moderator in one action, or a moderator's own comment.
# Arguments: comment_ids (a list; comments approved together come together).
comments_published = Signal()
