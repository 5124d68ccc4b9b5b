"""The site's processes, started and stopped together: what `make run` runs.

    python manage.py serve        # or: python -m ops.supervisor

It starts every command in PROCESSES (gunicorn and the task queue's two workers, the mail's and
the remote fetches': a new process is one more entry there), prints "Serving on
http://HOST:PORT/" once gunicorn answers there, and stops them all when any of these happens:
Ctrl-C (the terminal's SIGINT), SIGTERM (a service manager, `kill`), SIGHUP (the terminal
closed), or one of them ending on its own. Stopping is
SIGTERM to each process's group (gunicorn and its workers), then SIGKILL to whatever is left
after STOP_SECONDS (at once on a second Ctrl-C); then, when the site used the embedded
PostgreSQL (no DATABASE_URL), that server is stopped last, once nothing can still be writing to
it. A port already in use is said in one line before anything starts.

Each process runs in a process group of its own, so the terminal's Ctrl-C reaches this
supervisor alone and the stop happens in that order, whatever each program does with SIGINT.

Why ours rather than honcho or supervisord: both run a list of commands, but our stop has a
step that is not a process of the list: the embedded PostgreSQL must stop *after* the others
(it is started detached by pg_ctl, in a session of its own, so no signal to our processes
reaches it). honcho (a Procfile runner) has no place for that step; wrapping it in a shell trap
again is the bug this module replaces (the `sh -c` holding the trap died of the same Ctrl-C
before running it). supervisord is a daemon made to keep programs running by restarting them,
the opposite of "one ends, all stop", and needs a config file and a control socket. What we
need is about a hundred lines of subprocess and signal, with nothing to install.
"""

import contextlib
import errno
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from ops import embedded_postgres

PROJECT_DIR = Path(__file__).resolve().parent.parent

# name -> command, run from the project's folder with this environment. One entry per process:
# a new process (the task worker) is one more line here.
PROCESSES = {
    "gunicorn": [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.conf.py",
                 "config.wsgi"],
    # The task queue's worker (django-tasks-db): sends the mail the site queues (ops/mail.py).
    "worker": [sys.executable, "manage.py", "db_worker"],
    # The worker of the queue "remote": fetches strangers' pages (webmentions), so that however
    # slow they are, no mail waits behind them.
    "remote worker": [sys.executable, "manage.py", "db_worker", "--queue-name", "remote"],
}  # fmt: skip
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
STOP_SECONDS = 25  # gunicorn's graceful_timeout (20 s) for requests in flight, and a margin
HEALTH_PATH = "/healthz"  # any HTTP answer there means gunicorn serves


class Supervisor:
    def __init__(self, processes: dict[str, list[str]]):
        self.commands = processes
        self.running: dict[str, subprocess.Popen] = {}
        self.stop_signal = None  # the signal that asked us to stop
        self.hurry = False  # a second Ctrl-C: kill now

    def on_signal(self, signum, frame):
        if self.stop_signal is None:
            self.stop_signal = signum
        else:
            self.hurry = True

    def start(self) -> None:
        for name, command in self.commands.items():
            self.running[name] = subprocess.Popen(  # noqa: S603 (our own commands)
                command, cwd=PROJECT_DIR, stdin=subprocess.DEVNULL, process_group=0
            )

    def ended(self) -> str | None:
        """Which process ended on its own and how ("gunicorn ended (exit status 3)"), if any."""
        for name, process in self.running.items():
            code = process.poll()
            if code is not None and code < 0:
                return f"{name} ended (killed by {signal.Signals(-code).name})"
            if code is not None:
                return f"{name} ended (exit status {code})"
        return None

    def stop(self) -> None:
        """SIGTERM to every process group, SIGKILL after STOP_SECONDS (or a second Ctrl-C)."""
        groups = [process.pid for process in self.running.values()]
        for group in groups:
            signal_group(group, signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        killed_at = None
        while True:
            for process in self.running.values():
                process.poll()  # reap the group's leader, so only live members keep it
            alive = [group for group in groups if group_exists(group)]
            if not alive:
                return
            now = time.monotonic()
            if killed_at is None and (self.hurry or now > deadline):
                names = ", ".join(n for n, p in self.running.items() if p.pid in alive)
                say(f"Killing what is left of {names}")
                for group in alive:
                    signal_group(group, signal.SIGKILL)
                killed_at = now
            elif killed_at is not None and now > killed_at + 5:
                return  # nothing outlives SIGKILL for long; never hang on it
            time.sleep(0.05)


def say(line: str, stream=None) -> None:
    """Print a line; a terminal that was closed (SIGHUP) must not stop the stopping."""
    with contextlib.suppress(OSError):
        print(line, file=stream or sys.stderr, flush=True)


def hung_up(terminal: int) -> bool:
    """Whether our terminal was closed. The kernel sends SIGHUP to the terminal's session leader
    only: under `make run` that is make, which then waits for us without passing it on."""
    try:
        os.tcgetpgrp(terminal)
    except OSError:
        return True
    return False


def signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the whole group has ended already
        os.killpg(group, signum)


def group_exists(group: int) -> bool:
    """Whether a process of the group is still alive. An orphaned worker that has ended stays a
    zombie in its group until init reaps it, which some containers' init never does: on Linux,
    /proc tells the living from the dead."""
    if not Path("/proc/self/stat").exists():
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # After "pid (command)": state, parent, process group, ...
            state, _, process_group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, IndexError, ValueError):
            continue  # ended while we looked
        if int(process_group) == group and state != "Z":
            return True
    return False


def port_problem(host: str, port: int) -> str | None:
    """One line when gunicorn could not listen on host:port, as gunicorn itself would bind."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            return (
                f"Port {port} on {host} is already in use: stop what serves there, "
                "or choose another port with PORT=..."
            )
        return f"Cannot listen on {host}:{port}: {error.strerror or error}."
    return None


def answers(host: str, port: int) -> bool:
    """Whether an HTTP server answers on host:port (any status will do)."""
    probe_host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104
    connection = http.client.HTTPConnection(probe_host, port, timeout=2)
    try:
        connection.request("GET", HEALTH_PATH)
        connection.getresponse().read()
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def main() -> int:
    """Serve until asked to stop; the exit status (or the stopping signal, raised again)."""
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    embedded = not os.environ.get("DATABASE_URL")  # as config/settings.py decides
    supervisor = Supervisor(PROCESSES)
    for signum in STOP_SIGNALS:
        signal.signal(signum, supervisor.on_signal)

    problem = port_problem(host, port)
    if problem:
        say(problem)
        return 1
    status = 0
    try:
        if embedded and not (embedded_postgres.PGDATA / "postmaster.pid").exists():
            embedded_postgres.start()
        if supervisor.stop_signal is None:
            supervisor.start()
        announced = False
        # The terminal we were started from, if it is our controlling one: we watch it close.
        terminal = sys.stdin.fileno() if sys.stdin and sys.stdin.isatty() else None
        if terminal is not None and hung_up(terminal):
            terminal = None
        while supervisor.stop_signal is None:
            if terminal is not None and hung_up(terminal):
                supervisor.stop_signal = signal.SIGHUP
                break
            ended = supervisor.ended()
            if ended:
                say(f"{ended}: stopping the others")
                status = 1
                break
            if not announced and answers(host, port):
                stops = "the site and the embedded database" if embedded else "the site"
                say(f"Serving on http://{host}:{port}/ (Ctrl-C stops {stops})", sys.stdout)
                announced = True
            time.sleep(0.1)
        if supervisor.stop_signal is not None:
            say("Stopping...")
    finally:
        supervisor.stop()
        if embedded:
            embedded_postgres.stop(report=say)
    if supervisor.stop_signal is not None:
        # Die of the signal, as a program that did not catch it would: the shell and make
        # then know the run was interrupted.
        signal.signal(supervisor.stop_signal, signal.SIG_DFL)
        os.kill(os.getpid(), supervisor.stop_signal)
    return status


if __name__ == "__main__":
    sys.exit(main())
