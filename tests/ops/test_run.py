"""`make run` (ops/supervisor.py): Ctrl-C in a terminal, SIGTERM, or gunicorn dying stops every
process it started (gunicorn, the task worker), the embedded PostgreSQL last; a port in use is
said before anything starts.

Each run has its own data folder (DJANGO_DATA_DIR), so its own embedded PostgreSQL: the one the
rest of the suite uses is never touched.
"""

import contextlib
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
import pytest

from tests.support.servers import PROJECT_DIR, database_url, free_port
from tests.support.web import until


@pytest.fixture
def run_folder():
    """A folder for the run's data and static files, outside pytest's temporary folders (each
    pytest run makes those private to root, which locks PostgreSQL's own user out)."""
    with tempfile.TemporaryDirectory(prefix="blog-tests-run-") as folder:
        yield Path(folder)
        # A failed run may have left its PostgreSQL running: stop it as `pg_ctl -m immediate`.
        if (Path(folder) / "data" / "postgres" / "postmaster.pid").exists():
            with contextlib.suppress(psutil.Error, OSError):
                server = postmaster(Path(folder))
                server.send_signal(signal.SIGQUIT)
                server.wait(timeout=10)


def run_env(folder: Path, **extra) -> dict:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "DJANGO_LOG_FORMAT", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"}
    }
    return {
        **env,
        "DJANGO_DATA_DIR": str(folder / "data"),
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
        "WEB_CONCURRENCY": "1",
        **extra,
    }


class Terminal:
    """A command run as a terminal runs it: session leader, the pty its controlling terminal."""

    def __init__(self, command: list[str], env: dict):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become the command
            os.chdir(PROJECT_DIR)
            os.execvpe(command[0], command, env)  # noqa: S606 (make, fixed arguments)
        self.output = b""
        self.status = None

    def read(self) -> None:
        while select.select([self.fd], [], [], 0)[0]:
            try:
                data = os.read(self.fd, 65536)
            except OSError:  # the terminal closed: every process holding it has ended
                return
            if not data:
                return
            self.output += data

    def shows(self, text: str) -> bool:
        self.read()
        return text.encode() in self.output

    def exited(self) -> bool:
        self.read()
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
        return self.status is not None

    def text(self) -> str:
        return self.output.decode(errors="replace")


def leftovers(processes: list[psutil.Process]) -> list[str]:
    left = []
    for process in processes:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                left.append(" ".join(process.cmdline()))
        except psutil.NoSuchProcess:
            pass
    return left


def postmaster(folder: Path) -> psutil.Process:
    return psutil.Process(
        int((folder / "data" / "postgres" / "postmaster.pid").read_text().split()[0])
    )


def test_ctrl_c_in_the_terminal_stops_every_process_then_the_embedded_postgres(run_folder):
    env = run_env(run_folder)
    # -o: the virtualenv is the one running these tests; never reinstall it from here.
    terminal = Terminal(["make", "-s", "-o", ".venv/bin/.installed", "run"], env)
    started = []
    try:
        until(lambda: terminal.shows("Serving on") or terminal.exited(), "Serving on", 90)
        serving_at = f"Serving on http://127.0.0.1:{env['PORT']}/"
        assert serving_at in terminal.text(), terminal.text()
        # Readable lines on a terminal, and the address only once gunicorn answers.
        assert terminal.text().index("INFO    gunicorn: Listening at:") < terminal.text().index(
            serving_at
        )
        started = psutil.Process(terminal.pid).children(recursive=True)
        started.append(postmaster(run_folder))
        assert any("gunicorn" in process.cmdline() for process in started)
        assert any("db_worker" in process.cmdline() for process in started)

        os.write(terminal.fd, b"\x03")  # Ctrl-C, as a terminal sends it
        until(terminal.exited, "make to exit after Ctrl-C", 40)

        assert leftovers(started) == []
        assert "Embedded PostgreSQL stopped" in terminal.text()
        assert "Interrupt" in terminal.text()  # make's word for a run stopped by Ctrl-C
    finally:
        for process in started:
            if leftovers([process]):
                process.kill()
        if not terminal.exited():
            os.kill(terminal.pid, signal.SIGKILL)
            os.waitpid(terminal.pid, 0)
        os.close(terminal.fd)


@pytest.fixture
def serving(run_folder, django_db_setup):
    """The supervisor serving the test database on a free port (so it leaves every embedded
    PostgreSQL alone); yields its process, gunicorn's master, every process it started (and
    theirs), and a function reading its output."""
    env = run_env(run_folder, DATABASE_URL=database_url())
    log = run_folder / "serve.log"
    with log.open("w") as output:
        supervisor = subprocess.Popen(  # noqa: S603 (the supervisor, fixed arguments)
            [sys.executable, "-m", "ops.supervisor"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    started = []
    try:
        until(
            lambda: "Serving on" in log.read_text() or supervisor.poll() is not None,
            "Serving on",
            60,
        )
        assert supervisor.poll() is None, log.read_text()
        started = psutil.Process(supervisor.pid).children(recursive=True)
        (master,) = [p for p in started if p.ppid() == supervisor.pid and "gunicorn" in p.cmdline()]
        workers = [
            p.cmdline()[p.cmdline().index("db_worker") :]
            for p in started
            if "db_worker" in p.cmdline()
        ]
        # The mail's worker, and the remote fetches' worker: no mail waits behind the network.
        assert sorted(workers) == [["db_worker"], ["db_worker", "--queue-name", "remote"]]
        yield supervisor, master, started, log.read_text
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
        supervisor.wait()
        for process in started:
            if leftovers([process]):
                process.kill()


def test_gunicorn_dying_stops_the_others_and_the_supervisor_exits_1(serving):
    supervisor, master, started, output = serving

    master.kill()
    supervisor.wait(timeout=40)

    assert supervisor.returncode == 1
    assert "gunicorn ended (killed by SIGKILL): stopping the others" in output()
    assert leftovers(started) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_sigterm_or_a_closed_terminal_stops_every_process_and_the_supervisor_dies_of_it(
    signum, serving
):
    supervisor, _, started, _ = serving

    supervisor.send_signal(signum)
    supervisor.wait(timeout=40)

    assert supervisor.returncode == -signum
    assert leftovers(started) == []


def test_closing_the_terminal_stops_every_process_even_under_make(run_folder, django_db_setup):
    """The kernel tells only the session leader (make), which waits for its command without
    passing the signal on: the supervisor notices its terminal is gone by itself."""
    makefile, log = run_folder / "Makefile", run_folder / "serve.log"
    # Its processes log to a file: none of them must stop for failing to write to the terminal.
    makefile.write_text(f"serve:\n\t{sys.executable} -m ops.supervisor 2>{log}\n")
    env = run_env(run_folder, DATABASE_URL=database_url())
    terminal = Terminal(["make", "-s", "-f", str(makefile), "serve"], env)
    started = []
    try:
        until(lambda: terminal.shows("Serving on") or terminal.exited(), "Serving on", 60)
        started = psutil.Process(terminal.pid).children(recursive=True)
        assert any("gunicorn" in process.cmdline() for process in started), terminal.text()

        os.close(terminal.fd)  # the terminal window closes
        until(lambda: not leftovers(started), "every process to stop", 40)

        assert "Stopping..." in log.read_text()
        assert "ended" not in log.read_text()  # not stopped by a process that failed
    finally:
        for process in started:
            if leftovers([process]):
                process.kill()
        os.waitpid(terminal.pid, 0)


def test_a_port_in_use_is_said_in_one_line_and_nothing_starts(run_folder):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = run_env(run_folder, PORT=str(port))

        result = subprocess.run(  # noqa: S603 (the supervisor, fixed arguments)
            [sys.executable, "-m", "ops.supervisor"],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Port {port} on 127.0.0.1 is already in use: stop what serves there, "
        "or choose another port with PORT=...\n"
    )
    assert not (run_folder / "data" / "postgres").exists(), "no database was started"
