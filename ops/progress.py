"""How far a long management command is: a bar on a terminal, plain lines in a log.

Imports, exports, re-rendering and backups can run for minutes. Each phase of such a command
(reading a file, writing its posts...) shows its progress on the command's stderr, so the report
on stdout stays as it was:

- on a terminal, tqdm's bar with the count, the rate and the time left;
- anywhere else (cron, CI, a pipe) or on a terminal too narrow for a bar, plain lines with no
  control codes: one when the phase starts, then one each time both 10% of it and 30 s have gone
  by (whichever comes later), and one when it ends, so a log shows a long run moving;
- with `--verbosity 0`, nothing; with `-v 2`, also one line for what each item became.

    progress = Progress.for_command(self, options["verbosity"])
    with progress.reading(path, "Reading export.xml") as file:
        tree = parse(file)
    for post in progress.each(posts, "Writing posts", unit="posts"):
        ...

tqdm rather than our own bar: it measures the rate, estimates the time left and redraws a bar
that fits the terminal's width.
"""

import os
from contextlib import contextmanager

from tqdm import tqdm

# Below this many columns a bar says nothing useful: plain lines instead.
NARROWEST_BAR = 40
PLAIN_LINE_SECONDS = 30
PLAIN_LINE_FRACTION = 0.1


class PlainLines(tqdm):
    """tqdm's counting and rates, written as whole lines: no carriage returns, no bar."""

    def __init__(self, *args, **kwargs):
        self._last_line = None
        super().__init__(*args, **kwargs)

    def display(self, msg=None, pos=None):
        text = self.plain_text()
        if text != self._last_line:  # tqdm displays again on close: the last line once
            self._last_line = text
            self.fp.write(text + "\n")
            self.fp.flush()
        return True

    def close(self):
        # tqdm ends a bar by drawing it once more and a newline: here, the last line alone.
        if not self.disable and hasattr(self, "last_print_t"):
            self.display()
        self.sp = None
        super().close()

    def plain_text(self) -> str:
        values = self.format_dict
        n, total, elapsed, unit = values["n"], values["total"], values["elapsed"], values["unit"]

        def amount(value, per_second=""):
            if values["unit_scale"]:
                return f"{tqdm.format_sizeof(value)}{unit}{per_second}"
            return f"{value:,.1f} {unit}{per_second}" if per_second else f"{value:,} {unit}"

        # The mean rate over the phase: a log line every 30 s has no use for a smoothed one.
        rate = n / elapsed if elapsed else None
        if total:
            count = amount(n) if values["unit_scale"] else f"{n:,}"
            line = f"{self.desc}: {count} of {amount(total)} ({100 * n / total:.0f}%)"
        else:
            line = f"{self.desc}: {amount(n)}"
        line += f" [{tqdm.format_interval(elapsed)} elapsed"
        if total and rate and n < total:
            line += f", {tqdm.format_interval((total - n) / rate)} left"
        return line + (f", {amount(rate, '/s')}]" if rate else "]")


class Progress:
    """The progress of one command's phases, on one stream."""

    def __init__(self, stream, verbosity: int = 1):
        self.stream = stream
        self.verbosity = verbosity

    @classmethod
    def for_command(cls, command, verbosity: int) -> "Progress":
        # Django's OutputWrapper ends every write with a newline, which would break a bar that
        # redraws itself with "\r": write to the stream it wraps.
        return cls(getattr(command.stderr, "_out", command.stderr), verbosity)

    def _is_terminal(self) -> bool:
        try:
            if not self.stream.isatty():
                return False
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, ValueError, OSError):
            return False
        return columns >= NARROWEST_BAR

    def bar(self, description: str, total: int | None, unit: str, unit_scale=False) -> tqdm:
        """A bar for one phase; close it (or use it as a context manager) when the phase ends."""
        options = {
            "desc": description,
            "total": total or None,
            "unit": unit,
            "unit_scale": unit_scale,
            "file": self.stream,
            "disable": self.verbosity < 1,
            "leave": True,
        }
        if self._is_terminal():
            return tqdm(dynamic_ncols=True, **options)
        every = max(1, int((total or 0) * PLAIN_LINE_FRACTION)) if total else 1
        return PlainLines(mininterval=PLAIN_LINE_SECONDS, miniters=every, **options)

    def each(self, items, description: str, unit: str = "items", total: int | None = None):
        """Yield `items`, counting them in a phase of their own (of `total`, or their length)."""
        if total is None and hasattr(items, "__len__"):
            total = len(items)
        with self.bar(description, total, unit) as bar:
            for item in items:
                yield item
                bar.update(1)

    @contextmanager
    def reading(self, path, description: str):
        """`path` opened for reading in binary, counting the bytes read of the file's size (no
        total when the size cannot be known, as for standard input)."""
        with open(path, "rb") as file:
            try:
                size = os.fstat(file.fileno()).st_size or None
            except OSError:
                size = None
            with self.bar(description, size, "B", unit_scale=True) as bar:
                yield CountingReader(file, bar)

    def item(self, text: str) -> None:
        """What one item became: said at `-v 2` only, above any bar."""
        if self.verbosity >= 2:
            tqdm.write(text, file=self.stream)


class CountingReader:
    """A binary file whose reads advance a bar (a parser reads it in chunks)."""

    def __init__(self, file, bar: tqdm):
        self.file = file
        self.bar = bar

    def read(self, size=-1) -> bytes:
        data = self.file.read(size)
        self.bar.update(len(data))
        return data

    def __getattr__(self, name):
        return getattr(self.file, name)
