"""How long to wait before trying again, written once: mail (`ops.mail.deliver`, the
newsletter's copies) and webmentions sent to other sites.

Exponential back-off: the first retry waits `base` seconds, each next one twice as long, never
more than `cap` (when given). Each caller passes its own settings.
"""

from datetime import timedelta


def retry_delay(attempts: int, *, base: float, cap: float | None = None) -> timedelta:
    """The wait after the `attempts`-th failed attempt (1 for the first): `base`, doubling."""
    seconds = base * 2 ** (max(attempts, 1) - 1)
    if cap is not None:
        seconds = min(seconds, cap)
    return timedelta(seconds=seconds)
