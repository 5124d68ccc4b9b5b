"""One back-off for every retry (ops.retry): the first wait is the caller's base, each next one
twice as long, never past its cap."""

from datetime import timedelta

from ops.retry import retry_delay


def test_each_retry_waits_twice_as_long_as_the_one_before():
    waits = [retry_delay(attempt, base=30) for attempt in (1, 2, 3, 4)]
    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 240)]


def test_a_retry_never_waits_longer_than_the_cap():
    assert retry_delay(10, base=30, cap=3600) == timedelta(seconds=3600)
    assert retry_delay(2, base=30, cap=3600) == timedelta(seconds=60)
