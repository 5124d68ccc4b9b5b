"""A command run on a real pseudo-terminal, as a person at a terminal runs it."""

import errno
import fcntl
import os
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.support.servers import PROJECT_DIR

CTRL_C = b"\x03"


@dataclass
class TerminalRun:
    output: str  # stdout and stderr as the terminal showed them, control codes and all
    returncode: int


def manage_on_terminal(
    *args: str,
    env: dict,
    columns: int = 100,
    interrupt_when: Callable[[str], bool] | None = None,
    timeout: float = 300,
) -> TerminalRun:
    """Run `manage.py` with a pseudo-terminal of `columns` as its controlling terminal; type
    Ctrl-C on it once `interrupt_when(output so far)` holds."""
    pid, terminal = os.forkpty()
    if pid == 0:  # the child: size its terminal before anything can ask, then become manage.py
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
            os.chdir(PROJECT_DIR)
            os.execve(sys.executable, [sys.executable, "manage.py", *args], env)  # noqa: S606
        finally:
            os._exit(127)
    chunks: list[bytes] = []
    interrupted = False
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([terminal], [], [], 1)
            if not ready:
                continue
            try:
                data = os.read(terminal, 65536)
            except OSError as error:  # EIO: the child closed its side
                if error.errno != errno.EIO:
                    raise
                break
            if not data:
                break
            chunks.append(data)
            output = b"".join(chunks).decode(errors="replace")
            if interrupt_when and not interrupted and interrupt_when(output):
                os.write(terminal, CTRL_C)
                interrupted = True
        else:
            os.kill(pid, signal.SIGKILL)
            raise AssertionError(f"manage.py {' '.join(args)} still ran after {timeout} s")
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(terminal)
    return TerminalRun(b"".join(chunks).decode(errors="replace"), os.waitstatus_to_exitcode(status))
