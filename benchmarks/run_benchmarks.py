"""Benchmark: seconds and peak memory of every stage, run as the workflow runs it, at 210, 2,000
and 20,000 interviews (the generator's default shape gives about 14 segments per interview;
``--sizes 70000`` reaches a million), plus the whole workflow on the example data (a full run, a
no-op rerun, the render and the deposit alone, and ``make verify``), and the order-effect
bootstrap against R vegan's ``specaccum(method = "random")`` when R is present.

Each size is a copy of the project whose example inputs the seeded generator rewrites at that
size; Snakemake then runs every rule on one core, and each rule's log says how long its stage
took and its peak memory (peacekeeping_interviews.workflow_adapter.logged), so the stages are
timed exactly as the rules call them, render and deposit included. The start-up row times the
validation of the confidential inputs that the start-up check runs once per run.

Targets (checked by reading, not by tests): full example run <= 60 s, no-op rerun <= 3 s; stage
times growing roughly linearly with the number of segments; at 20,000 interviews every analysis
stage together in <= 60 s and <= 2 GiB, and the restricted tier (start-up validation,
anonymisation, leak scan) in less time than the analysis stages; the 1,000-order bootstrap for
210 interviews well under a second and at least 5x faster than vegan on the same incidence
matrix; the published PEMA release read and checked in well under a second.

    .venv/bin/python benchmarks/run_benchmarks.py [--sizes 210 2000 20000] [--skip-workflow]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from peacekeeping_interviews.analysis import mandates
from peacekeeping_interviews.analysis.release import incidence_matrix, read_release
from peacekeeping_interviews.analysis.saturation import random_order_curves
from peacekeeping_interviews.examples.example_files import write_example_data
from peacekeeping_interviews.restricted.validation import validate_inputs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from project_copy import RUN_ENVIRONMENT, SNAKEMAKE, copy_project, git  # noqa: E402

SCHEMA_DIR = ROOT / "workflow" / "schemas"
CODEBOOK = ROOT / "config" / "codebook.yaml"
CONFIG = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
# What the start-up check spends on the confidential inputs, once per run (timed in-process).
START_UP_VALIDATION = "start-up validation"
RESTRICTED_TIER = (START_UP_VALIDATION, "anonymise_interviews", "scan_for_leaks")
ANALYSIS_STAGES = (
    "merge_mandates",
    "describe_sample",
    "analyse_saturation",
    "tabulate_factors",
    "assess_reliability",
)
_DONE = re.compile(r"^done in ([0-9.]+) s, peak memory ([0-9.]+) MiB$", re.M)


def run_workflow(root: Path) -> float:
    """Run Snakemake in the project copy at ``root``; its wall-clock seconds."""
    start = time.perf_counter()
    subprocess.run(
        [SNAKEMAKE, "--cores", "1", "--quiet"],
        cwd=root,
        check=True,
        capture_output=True,
        env=RUN_ENVIRONMENT,
    )
    return time.perf_counter() - start


def stage_rows(root: Path) -> list[tuple[str, float, float]]:
    """Each rule's stage seconds and peak MiB, from the line its log ends with."""
    rows = []
    for log in sorted((root / "logs").glob("*/*.log")):
        done = _DONE.search(log.read_text(encoding="utf-8"))
        if done:
            rows.append((log.stem, float(done.group(1)), float(done.group(2))))
    return rows


def stage_benchmarks(n_interviews: int, root: Path) -> list[tuple[str, float, float]]:
    """Every stage at ``n_interviews``, in a copy of the project with generated inputs.

    The copy leaves out ``tests/``: at these sizes the generator's interviewees share names with
    the test fixtures' invented ones, which the deposit's scan of the code snapshot rightly
    refuses as leaks (a study's own repository has no such fixtures)."""
    copy_project(root)
    git("rm", "-r", "--quiet", "tests", cwd=root)
    git("commit", "--quiet", "--no-gpg-sign", "--message=without the tests", cwd=root)
    start = time.perf_counter()
    write_example_data(
        root / "data" / "example", codebook_path=CODEBOOK, schema_dir=SCHEMA_DIR,
        n_interviews=n_interviews,
    )  # fmt: skip
    rows = [("generate the example inputs", time.perf_counter() - start, float("nan"))]
    whole = run_workflow(root)
    rows += stage_rows(root)
    start = time.perf_counter()
    validate_inputs(
        root / "data" / "example" / "interviews.csv", root / "data" / "example" / "coding.csv",
        CODEBOOK, SCHEMA_DIR, CONFIG["latest_interview_date"],
    )  # fmt: skip
    rows.append((START_UP_VALIDATION, time.perf_counter() - start, float("nan")))
    peak = max(mib for _, _, mib in rows if mib == mib)
    rows.append(("whole workflow, every stage", whole, peak))
    return rows


def bootstrap_benchmark(config: dict, scratch: Path) -> list[tuple[str, float]]:
    """The 1,000-order accumulation bootstrap on the example's 210 interviews, here and (when
    R with vegan is installed) with ``vegan::specaccum(method = "random")`` on the same matrix,
    timed inside R so that R's start-up is not counted."""
    outputs = scratch / "n210"
    release = read_release(
        outputs / "data/anonymised/interviews.csv",
        outputs / "data/anonymised/coding.csv",
        CODEBOOK,
        SCHEMA_DIR,
    )
    matrix = incidence_matrix(release).to_numpy()
    orders, seed = config["saturation"]["orders"], config["saturation"]["seed"]
    timings = []
    best = min(_timed(random_order_curves, matrix, orders, seed) for _ in range(5))
    timings.append((f"this package, {orders} orders (best of 5)", best))
    rscript = shutil.which("Rscript")
    if rscript:
        path = scratch / "incidence.csv"
        np.savetxt(path, matrix.astype(int), fmt="%d", delimiter=",")
        program = (
            "suppressMessages(library(vegan)); "
            f"m <- as.matrix(read.csv('{path}', header = FALSE)); set.seed(1); "
            f"t <- system.time(specaccum(m, method = 'random', permutations = {orders})); "
            "cat(t[['elapsed']])"
        )
        result = subprocess.run([rscript, "-e", program], capture_output=True, text=True)
        if result.returncode == 0:
            timings.append((f"vegan specaccum random, {orders} permutations", float(result.stdout)))
    return timings


def _timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def workflow_benchmarks(workdir: Path) -> list[tuple[str, float]]:
    """Full run, no-op rerun, the paper and appendix re-rendered alone, the deposit rebuilt
    alone, and ``make verify`` on that deposit, in a clean copy of the project."""
    copy_project(workdir)
    timings = []
    for label, extra in (
        ("full run on the example data", []),
        ("no-op rerun", []),
        ("render paper and appendix (HTML+PDF)", ["--forcerun", "render_reports"]),
        ("build the deposit bag and zip", ["--forcerun", "build_deposit"]),
    ):
        start = time.perf_counter()
        subprocess.run(
            [SNAKEMAKE, "--cores", "2", "--quiet", *extra],
            cwd=workdir,
            check=True,
            capture_output=True,
            env=RUN_ENVIRONMENT,
        )
        timings.append((label, time.perf_counter() - start))
    zips = sorted((workdir / "results" / "deposit").glob("*-zip/*.zip"))
    start = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).with_name("peacekeeping-interviews")),
            "verify",
            str(zips[0]),
            "--scratch",
            str(workdir / "verification"),
            "--checkout",
            str(workdir),
        ],
        check=True,
        capture_output=True,
        env=RUN_ENVIRONMENT,
    )
    timings.append(("make verify on the deposit's zip", time.perf_counter() - start))
    return timings


PEMA = ROOT.parent / "shared" / "pema" / "PEMA_raw_v2.csv"


def pema_benchmark(config: dict) -> list[tuple[str, float]]:
    """Reading the published PEMA release and checking it for Figure 1, when it is beside the
    project (``../shared/pema/``)."""
    if not PEMA.is_file():
        return []
    settings = config["mandates"]
    seconds = _timed(mandates.mandates_problems, PEMA, settings, config["latest_interview_date"])
    return [("read and check PEMA_raw_v2.csv (558 rows)", seconds)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[210, 2000, 20000])
    parser.add_argument("--skip-workflow", action="store_true")
    args = parser.parse_args()
    config = CONFIG
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        if not args.skip_workflow:
            print(f"{'workflow':<34}{'seconds':>9}")
            for label, seconds in workflow_benchmarks(scratch / "workflow"):
                print(f"{label:<34}{seconds:>9.2f}")
            print()
        print(f"{'interviews':>10}  {'stage':<30}{'seconds':>9}{'peak MiB':>10}")
        for n in args.sizes:
            rows = stage_benchmarks(n, scratch / f"n{n}")
            for stage, seconds, mib in rows:
                memory = f"{mib:>10.0f}" if mib == mib else ""
                print(f"{n:>10}  {stage:<30}{seconds:>9.2f}{memory}")
            for label, stages in (
                ("restricted tier", RESTRICTED_TIER),
                ("all analysis stages", ANALYSIS_STAGES),
            ):
                total = sum(seconds for stage, seconds, _ in rows if stage in stages)
                print(f"{n:>10}  {label:<30}{total:>9.2f}")
        for label, seconds in pema_benchmark(config):
            print(f"\n{label:<50}{seconds:>9.4f} s")
        if 210 in args.sizes:
            print()
            for label, seconds in bootstrap_benchmark(config, scratch):
                print(f"{label:<50}{seconds:>9.4f} s")


if __name__ == "__main__":
    main()
