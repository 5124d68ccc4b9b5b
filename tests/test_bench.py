"""`make bench` (bench/) runs from the project's own code, never from the test toolkit: a test
helper changed for a test must not change what the benchmark measures."""

import subprocess
import sys

from tests.support.servers import PROJECT_DIR


def test_the_benchmark_imports_nothing_from_the_tests():
    found = subprocess.run(  # noqa: S603 (our own interpreter, a fixed program)
        [
            sys.executable,
            "-c",
            "import sys, bench.run, bench.static_nginx; "
            "print(sorted(m for m in sys.modules if m == 'tests' or m.startswith('tests.')))",
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == "[]"
