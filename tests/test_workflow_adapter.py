"""The rule adapters' log: its last line says how long the stage took and its peak memory, which
the benchmark reads (benchmarks/run_benchmarks.py)."""

import re
import subprocess
import sys

from peacekeeping_interviews.workflow_adapter import logged


def test_the_log_ends_with_the_duration_and_the_peak_memory(tmp_path):
    log = tmp_path / "logs" / "stage.log"
    with logged(str(log)):
        print("working")
    last = log.read_text(encoding="utf-8").splitlines()[-1]
    assert re.fullmatch(r"done in [0-9.]+ s, peak memory [0-9]+ MiB", last)


def test_the_peak_grows_with_what_the_process_holds():
    """In a fresh interpreter, whose peak so far is its start-up (a test worker's could be
    anything)."""
    program = (
        "from peacekeeping_interviews.workflow_adapter import peak_mib\n"
        "before = peak_mib()\n"
        'held = b"x" * (200 * 1024 * 1024)\n'
        "print(before, peak_mib())\n"
    )
    output = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    before, after = map(float, output.stdout.split())
    assert after >= before + 150
