"""How much an edit changed: Levenshtein's count, known exactly up to a bound, in linear time."""

import os
import random
import subprocess
import sys
import textwrap

import pytest

from comments.edit_distance import characters_changed
from tests.support.servers import PROJECT_DIR

# The fixed code needs well under a second for this, Django's start included (about 0.7 s);
# difflib's SequenceMatcher needed about 2 s for the first edit alone and minutes for the last.
CEILING_SECONDS = 20

HOSTILE_EDITS = textwrap.dedent(
    """
    import django

    django.setup()
    from comments.models import Comment
    from comments.services import small_edit

    approved = "ab" * 2500  # the longest comment, in a two-letter alphabet
    edits = [
        "ba" * 2500,  # one letter moved from the start to the end
        approved[:1000] + "b" + approved[1000:3000] + "aa" + approved[3002:4999],
        ("aab" * 1667)[:5000],  # a thousand and more letters changed
        ("abb" * 1667)[:5000],
    ]
    print(" ".join(str(small_edit(Comment(approved_body=approved), edit)) for edit in edits))
    """
)


def levenshtein(before: str, after: str) -> int:
    """The textbook table, row by row: the count the bounded search must agree with."""
    previous = list(range(len(after) + 1))
    for row, old in enumerate(before, 1):
        current = [row]
        for column, new in enumerate(after, 1):
            current.append(
                min(
                    previous[column] + 1,
                    current[column - 1] + 1,
                    previous[column - 1] + (old != new),
                )
            )
        previous = current
    return previous[-1]


def test_a_small_edit_counts_each_character_added_removed_or_replaced():
    approved = "Gradient descent needs a small learning rate."
    assert characters_changed(approved, approved, 20) == 0
    assert characters_changed(approved, approved + "!", 20) == 1
    assert characters_changed(approved, approved.replace("small", "tiny"), 20) == 5
    assert characters_changed(approved, approved.replace("Gradient ", ""), 20) == 9


def test_an_edit_beyond_the_bound_is_only_said_to_be_beyond_it():
    approved = "Gradient descent needs a small learning rate."
    assert characters_changed(approved, "Something else entirely.", 20) is None
    assert characters_changed(approved, approved + "x" * 21, 20) is None
    assert characters_changed(approved, approved + "x" * 20, 20) == 20


def test_the_count_is_levenshteins_for_every_kind_of_edit_in_small_alphabets():
    """Thousands of random texts and edits, checked against the full table."""
    picker = random.Random(28)
    for _ in range(3000):
        alphabet = picker.choice(["a", "ab", "abc", "abcdefgh"])
        before = "".join(picker.choices(alphabet, k=picker.randint(0, 14)))
        after = "".join(picker.choices(alphabet, k=picker.randint(0, 14)))
        if picker.random() < 0.5:  # a few edits of the same text, not another text
            letters = list(before)
            for _ in range(picker.randint(0, 5)):
                place = picker.randint(0, len(letters))
                letters[place:place] = picker.choice(alphabet)
                if letters and picker.random() < 0.5:
                    del letters[picker.randrange(len(letters))]
            after = "".join(letters)
        distance = levenshtein(before, after)
        for bound in range(8):
            expected = distance if distance <= bound else None
            assert characters_changed(before, after, bound) == expected, (before, after, bound)


def test_edits_of_the_longest_comment_in_a_two_letter_alphabet_are_judged_at_once():
    """No timing here: the edits run in a process of their own, stopped at a generous ceiling."""
    try:
        result = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
            [sys.executable, "-c", HOSTILE_EDITS],
            cwd=PROJECT_DIR,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
            capture_output=True,
            text=True,
            timeout=CEILING_SECONDS,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"judging four edits took more than {CEILING_SECONDS} s")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "False", "False"]
