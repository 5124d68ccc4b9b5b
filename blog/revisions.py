"""Revisions of posts: every save keeps one; any can be compared with the text now, or restored.

Why django-simple-history rather than django-reversion (both well kept, both for Django 5.2):
- It records on every save by itself (a post_save signal), in the admin, a shell, a command or a
  test alike; django-reversion records only inside `create_revision()` blocks, so a save outside
  the admin would leave no revision unless every caller remembered to open one.
- Revisions are rows of a real table (`blog_historicalpost`) with the post's own columns, queried
  with the ORM (`post.history.all()`, ordered and indexed by date); django-reversion keeps them as
  serialised JSON whose shape is only checked when it is read back, long after a migration.
- It leaves out the columns we name: the stored HTML, text, outline, search vector and the share
  secret are derived or private, so a revision holds what an author wrote and nothing to keep in
  step with a renderer. Restoring writes those fields back and saves: the post renders itself
  again (HTML and table of contents), and the restore is itself a new revision.
Its admin (SimpleHistoryAdmin) is not used: its revert form has no difference view. The post's
admin has three small views of its own (blog/admin.py) built on the functions below.
"""

import difflib
import re
from dataclasses import dataclass

from django.db import transaction

# What a revision brings back: what the author wrote. Status, address and publication time stay
# as they are, so restoring old text never unpublishes a post or moves it.
RESTORED_FIELDS = ("title", "description", "body")


@dataclass(frozen=True)
class Change:
    """One run of a word-level difference: kind is "same", "removed" or "added"."""

    kind: str
    text: str


@dataclass(frozen=True)
class FieldDifference:
    label: str
    changes: list[Change]

    @property
    def changed(self) -> bool:
        return any(change.kind != "same" for change in self.changes)


def word_difference(old: str, new: str) -> list[Change]:
    """The word-level difference from `old` to `new` (spaces and line breaks kept)."""
    old_words, new_words = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    changes = []
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            changes.append(Change("same", "".join(old_words[i1:i2])))
            continue
        if i2 > i1:
            changes.append(Change("removed", "".join(old_words[i1:i2])))
        if j2 > j1:
            changes.append(Change("added", "".join(new_words[j1:j2])))
    return changes


def difference(revision, post) -> list[FieldDifference]:
    """Each restorable field's difference from `revision` to the post as it is now."""
    return [
        FieldDifference(
            label=post._meta.get_field(name).verbose_name.capitalize(),
            changes=word_difference(getattr(revision, name), getattr(post, name)),
        )
        for name in RESTORED_FIELDS
    ]


@transaction.atomic
def restore(post, revision, user):
    """Bring back `revision`'s text; the save renders the post again and keeps a new revision."""
    for name in RESTORED_FIELDS:
        setattr(post, name, getattr(revision, name))
    post._history_user = user
    when = revision.history_date.strftime("%Y-%m-%d %H:%M UTC")
    post._change_reason = f"Restored the revision of {when}"
    post.save()
    return post
