"""Benchmark: seconds and peak memory per stage, at 210, 2,000 and 20,000 interviews, plus the
whole workflow on the example data (a full run and a no-op rerun).

Targets (checked by reading, not by tests): full example run <= 60 s, no-op rerun <= 3 s, and
stage times growing roughly linearly with the number of interviews.

    .venv/bin/python benchmarks/run_benchmarks.py [--sizes 210 2000 20000] [--skip-workflow]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = ROOT / "workflow" / "schemas"
CODEBOOK = ROOT / "config" / "codebook.yaml"


def _measure(stage, kwargs, queue) -> None:
    start = time.perf_counter()
    stage(**kwargs)
    seconds = time.perf_counter() - start
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def in_fresh_process(stage, **kwargs) -> tuple[float, float]:
    """Run one stage in its own process: (seconds, peak resident memory in MiB)."""
    queue = multiprocessing.get_context("fork").Queue()
    process = multiprocessing.get_context("fork").Process(
        target=_measure, args=(stage, kwargs, queue)
    )
    process.start()
    result = queue.get()
    process.join()
    return result


def stage_benchmarks(n_interviews: int, workdir: Path, settings: dict, latest: str) -> list[tuple]:
    from peacekeeping_interviews.anonymisation import (
        AnonymisationOutputs,
        ConfidentialInputs,
        run_anonymisation,
        run_leak_scan,
    )
    from peacekeeping_interviews.synthetic import write_example_data
    from peacekeeping_interviews.validation import validate_inputs

    data = workdir / "data"
    rows = []
    seconds, mib = in_fresh_process(
        write_example_data,
        out=data,
        codebook_path=CODEBOOK,
        schema_dir=SCHEMA_DIR,
        n_interviews=n_interviews,
        seed=1,
    )
    rows.append(("generate", seconds, mib))
    inputs = {
        "interviews": data / "interviews.csv",
        "coding": data / "coding.csv",
        "codebook": CODEBOOK,
    }
    segments = inputs["coding"].read_text(encoding="utf-8").count("\n") - 1
    seconds, mib = in_fresh_process(
        validate_inputs, **inputs, schema_dir=SCHEMA_DIR, latest_interview_date=latest
    )
    rows.append(("validate_inputs", seconds, mib))
    outputs = AnonymisationOutputs.under(workdir)
    confidential = ConfidentialInputs(
        **inputs, schema_dir=SCHEMA_DIR, settings=settings, latest_interview_date=latest
    )
    seconds, mib = in_fresh_process(
        run_anonymisation, inputs=confidential, outputs=outputs, environ={}
    )
    rows.append(("anonymise_interviews", seconds, mib))
    seconds, mib = in_fresh_process(
        run_leak_scan,
        inputs=confidential,
        public_dirs=[workdir / "data" / "anonymised", workdir / "results"],
        report=workdir / "results/leak_scan/report.json",
        environ={},
    )
    rows.append(("scan_for_leaks", seconds, mib))
    return [(n_interviews, segments, *row) for row in rows]


def workflow_benchmarks(workdir: Path) -> list[tuple[str, float]]:
    """Full run and no-op rerun of the workflow in a fresh copy of the project."""
    workdir.mkdir(parents=True)
    for item in ["Snakefile", "environment.yml", "workflow", "config", "src"]:
        source = ROOT / item
        copy = shutil.copytree if source.is_dir() else shutil.copy2
        copy(source, workdir / item)
    shutil.copytree(ROOT / "data" / "example", workdir / "data" / "example")
    snakemake = str(Path(sys.executable).with_name("snakemake"))
    timings = []
    for label in ("full run on the example data", "no-op rerun"):
        start = time.perf_counter()
        subprocess.run(
            [snakemake, "--cores", "2", "--quiet"], cwd=workdir, check=True, capture_output=True
        )
        timings.append((label, time.perf_counter() - start))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[210, 2000, 20000])
    parser.add_argument("--skip-workflow", action="store_true")
    args = parser.parse_args()
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        if not args.skip_workflow:
            print(f"{'workflow':<34}{'seconds':>9}")
            for label, seconds in workflow_benchmarks(scratch / "workflow"):
                print(f"{label:<34}{seconds:>9.2f}")
            print()
        print(f"{'interviews':>10}{'segments':>10}  {'stage':<22}{'seconds':>9}{'peak MiB':>10}")
        for n in args.sizes:
            settings = dict(config["anonymisation"], key_file=str(scratch / "absent.key"))
            for row in stage_benchmarks(
                n, scratch / f"n{n}", settings, config["latest_interview_date"]
            ):
                n_interviews, segments, stage, seconds, mib = row
                print(f"{n_interviews:>10}{segments:>10}  {stage:<22}{seconds:>9.2f}{mib:>10.0f}")


if __name__ == "__main__":
    main()
