"""How many characters an edit changed, counted only up to a small bound, in linear time.

A writer's edit of an approved comment stays published when it adds, removes or replaces at most
COMMENTS_SMALL_EDIT characters (comments.services.small_edit). That count is the Levenshtein
distance; only whether it is within the bound matters, so it is found by Ukkonen's and Landau and
Vishkin's method: for e = 0, 1, ... up to the bound, the furthest point each diagonal of the edit
graph reaches with e edits, sliding along equal characters by comparing slices (done in C). Its
cost is about bound² slides, whatever the text: difflib's SequenceMatcher, used before, took
seconds on 5,000 characters of "abab...".
"""


def characters_changed(before: str, after: str, at_most: int) -> int | None:
    """The characters added, removed or replaced to turn `before` into `after` (each counts
    one), or None when that is more than `at_most`."""
    if abs(len(before) - len(after)) > at_most:
        return None
    end_row, end_diagonal = len(before), len(after) - len(before)
    # furthest[d]: the furthest row of `before` reached on diagonal d (column - row) so far.
    furthest = {0: _slide(before, after, 0, 0)}
    for edits in range(at_most + 1):
        if furthest.get(end_diagonal) == end_row:
            return edits
        reached = {}
        for diagonal in range(max(-edits - 1, -end_row), min(edits + 1, len(after)) + 1):
            rows = []
            if diagonal in furthest:  # replace one character (or stay, at the end of a text)
                rows.append(min(furthest[diagonal] + 1, end_row, len(after) - diagonal))
            left, right = furthest.get(diagonal - 1), furthest.get(diagonal + 1)
            if left is not None and left + diagonal <= len(after):
                rows.append(left)  # add one character: a column further, same row
            if right is not None and right < end_row:
                rows.append(right + 1)  # remove one: a row further, same column
            if rows:
                row = max(rows)
                reached[diagonal] = _slide(before, after, row, row + diagonal)
        furthest = reached
    return None


def _slide(before: str, after: str, row: int, column: int) -> int:
    """The row reached from (row, column) along characters equal in both texts."""
    longest = min(len(before) - row, len(after) - column)
    if before[row : row + longest] == after[column : column + longest]:
        return row + longest
    # Gallop to a step that differs, then halve back to the first difference.
    step = 1
    while step < longest and before[row : row + step] == after[column : column + step]:
        step *= 2
    low, high = step // 2, min(step, longest)  # equal for `low` characters, not for `high`
    while high - low > 1:
        middle = (low + high) // 2
        if before[row : row + middle] == after[column : column + middle]:
            low = middle
        else:
            high = middle
    return row + low
