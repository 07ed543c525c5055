"""What every rule adapter shares: its log file and the outcome line in it, and the public
release as the public-tier rules read it. The restricted tier's own inputs are
:mod:`restricted_adapter`'s, so that no public rule imports the restricted tier."""

from __future__ import annotations

import contextlib
import resource
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

from peacekeeping_interviews import __version__
from peacekeeping_interviews.analysis.release import PublicRelease, read_release
from peacekeeping_interviews.problems import InputError


@contextlib.contextmanager
def logged(log_path: str) -> Iterator[None]:
    """Send the step's stdout and stderr to its log; record version, outcome, duration and peak
    memory (what ``make benchmark`` reads per stage).

    An exception is logged (without local values) and re-raised so that Snakemake marks the job
    failed and removes its outputs; bad input is logged with every problem, however many.
    """
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with (
        open(log_path, "w", encoding="utf-8") as log,
        contextlib.redirect_stdout(log),
        contextlib.redirect_stderr(log),
    ):
        print(f"peacekeeping-interviews {__version__}")
        try:
            yield
        except InputError as error:
            print(f"FAILED after {time.perf_counter() - start:.2f} s: {error}")
            print(f"Every problem:\n{error.full_list()}", end="")
            raise
        except Exception as error:
            print(f"FAILED after {time.perf_counter() - start:.2f} s: {error}")
            traceback.print_exc(limit=-3)
            raise
        print(f"done in {time.perf_counter() - start:.2f} s, peak memory {peak_mib():.0f} MiB")


def peak_mib() -> float:
    """The process's peak resident memory so far, in MiB: Linux's high-water mark of this
    program (``VmHWM``; ``ru_maxrss`` would also count the Snakemake process it was forked
    from), else ``ru_maxrss``."""
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def public_release(snakemake) -> PublicRelease:
    """The public-tier rules' release inputs (``**release_inputs()``), read and checked."""
    return read_release(
        interviews=snakemake.input.interviews,
        coding=snakemake.input.coding,
        codebook=snakemake.input.codebook,
        schema_dir=snakemake.params.schema_dir,
    )
