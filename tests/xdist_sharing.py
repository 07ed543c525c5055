"""The tests on pytest-xdist's workers (pyproject.toml: ``-n 2 --dist worksteal``).

An expensive session fixture (a whole run of the workflow) is built once per test session, not once
on every worker: the first worker to need it builds it in a folder that all of the session's
workers share, while any other that needs it meanwhile waits for it (the pattern of pytest-xdist's
documentation, "Making session-scoped fixtures execute only once", with an ``flock`` as the file
lock). The tests that use it may then run on any worker, at the same time: they must only read it.

(``--dist loadgroup`` with ``xdist_group`` marks would keep such tests on one worker instead, but
with pytest 9.2 the marks are silently ignored: pytest-xdist 3.8 writes the group into a node id
field pytest no longer reads, pytest-dev/pytest-xdist#1386.)
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

T = TypeVar("T")


def built_once(
    config: pytest.Config, factory: pytest.TempPathFactory, name: str, build: Callable[[Path], T]
) -> T:
    """``build(folder)``, run once per test session, in a new folder it is given.

    In one process, that is just a call. On an xdist worker, the first worker that asks builds it in
    ``name`` beside the workers' own temporary folders, the others wait until it is built, and every
    one gets the same (pickled) result. A build that fails is not tried again: each test that needs
    it, on any worker, fails with the build's error (or is skipped, if the build was)."""
    if not hasattr(config, "workerinput"):
        return build(factory.mktemp(name))
    # Each worker's basetemp is popen-gwN in a folder of this session's own.
    shared = factory.getbasetemp().parent
    outcome_file = shared / f"{name}.outcome"
    with open(shared / f"{name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if outcome_file.exists():
            outcome, value = pickle.loads(outcome_file.read_bytes())
        else:
            # What a worker that died while building it left (its lock went with it).
            shutil.rmtree(shared / name, ignore_errors=True)
            (shared / name).mkdir()
            try:
                value = build(shared / name)
            except (Exception, pytest.fail.Exception, pytest.skip.Exception) as error:
                skipped = isinstance(error, pytest.skip.Exception)
                message = "".join(traceback.format_exception_only(error)).strip()
                where = f"{name}, built on {config.workerinput['workerid']}"
                _write(outcome_file, ("skipped" if skipped else "failed", f"{where}: {message}"))
                raise
            _write(outcome_file, ("built", value))
            return value
    if outcome == "skipped":
        pytest.skip(value)
    if outcome == "failed":
        pytest.fail(f"{value}\n(its traceback is in that worker's report)", pytrace=False)
    return value


def _write(path: Path, outcome: tuple[str, object]) -> None:
    """The outcome pickled to ``path``, whole or not at all."""
    partial = path.with_suffix(".partial")
    partial.write_bytes(pickle.dumps(outcome))
    os.replace(partial, path)


def worker_order(items: list[pytest.Item], workers: int) -> list[pytest.Item]:
    """The tests in the order that suits ``--dist worksteal`` on ``workers`` workers.

    Worksteal hands each worker an equal share of the list, in order (the first worker the first
    n-th of it, and so on), and a worker left with nothing takes the later half of the tests another
    still has queued. So the longest tests go at the head of a share, and the short ones fill the
    tails, where a thief finds them. The first share starts with the tests of the example's first
    run (its worker builds the run); the second with the second study, then the tests that compare
    the example's two runs (the first run is there by then, and the second is built after it), then
    the other end-to-end tests. The rest keep their collection order.
    """
    first_run, both_runs, second_study, other_end_to_end, short = [], [], [], [], []
    for item in items:
        names = item.fixturenames
        if "example_runs" in names:
            both_runs.append(item)
        elif "example_run" in names:
            first_run.append(item)
        elif "second_study" in names:
            second_study.append(item)
        elif item.get_closest_marker("end_to_end"):
            other_end_to_end.append(item)
        else:
            short.append(item)
    second_head = second_study + both_runs + other_end_to_end
    if workers < 2:
        return first_run + second_head + short
    fill = max(0, len(items) // workers - len(first_run))
    return first_run + short[:fill] + second_head + short[fill:]
