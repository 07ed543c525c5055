"""Benchmark: seconds and peak memory per stage, at 210, 2,000 and 20,000 interviews (the
generator's default shape gives about 14 segments per interview; ``--sizes 70000`` reaches a
million), plus the whole workflow on the example data (a full run and a no-op rerun), and the
order-effect bootstrap against R vegan's ``specaccum(method = "random")`` when R is present.

Targets (checked by reading, not by tests): full example run <= 60 s, no-op rerun <= 3 s; stage
times growing roughly linearly with the number of segments; 20,000 interviews through every
analysis stage in <= 60 s and <= 2 GiB; the 1,000-order bootstrap for 210 interviews well under
a second and at least 5x faster than vegan on the same incidence matrix; the published PEMA release
read and checked in well under a second.

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

import numpy as np
import yaml

# Imported once, before the stages fork, so that a stage's seconds do not include importing
# pandas, scipy, pingouin and matplotlib (which a rule pays once per job, about a second).
from peacekeeping_interviews import mandates, reliability, saturation, tabulation
from peacekeeping_interviews import sample_description as sample
from peacekeeping_interviews.release import incidence_matrix, read_mission_counts, read_release
from peacekeeping_interviews.saturation import random_order_curves

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from project_copy import RUN_ENVIRONMENT, SNAKEMAKE, copy_project  # noqa: E402

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


def stage_benchmarks(n_interviews: int, workdir: Path, config: dict) -> list[tuple]:
    from peacekeeping_interviews.anonymisation import (
        AnonymisationOutputs,
        ConfidentialInputs,
        run_anonymisation,
    )
    from peacekeeping_interviews.leak_scan import run_leak_scan
    from peacekeeping_interviews.synthetic import write_example_data
    from peacekeeping_interviews.validation import validate_inputs

    settings = dict(config["anonymisation"], key_file=str(workdir / "absent.key"))
    latest = config["latest_interview_date"]
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
        quarantine=workdir / "data/restricted/quarantine",
        root=workdir,
        environ={},
    )
    rows.append(("scan_for_leaks", seconds, mib))
    release = {
        "interviews": outputs.interviews,
        "coding": outputs.coding,
        "codebook": CODEBOOK,
        "schema_dir": SCHEMA_DIR,
    }
    for stage in ANALYSIS_STAGES:
        seconds, mib = in_fresh_process(
            run_analysis_stage, name=stage, release=release, root=workdir, config=config
        )
        rows.append((stage, seconds, mib))
    return [(n_interviews, segments, *row) for row in rows]


ANALYSIS_STAGES = [
    "merge_mandates",
    "describe_sample",
    "analyse_saturation",
    "tabulate_factors",
    "assess_reliability",
]


def run_analysis_stage(name: str, release: dict, root: Path, config: dict) -> None:
    """What the public-tier rule ``name`` does: read the release, compute, write everything."""
    mission_counts = root / "data/anonymised/mission_counts.csv"
    if name == "merge_mandates":
        mandates.run_mandates(
            ROOT / config["inputs"]["mandates"],
            mission_counts,
            config["mandates"],
            config["latest_interview_date"],
            mandates.MandatesOutputs.under(root),
            SCHEMA_DIR,
        )
        return
    public = read_release(**release)
    if name == "describe_sample":
        sample.run_sample_description(
            public,
            read_mission_counts(mission_counts, SCHEMA_DIR),
            config["sample"],
            config["anonymisation"]["k_min"],
            sample.SampleOutputs.under(root),
        )
    elif name == "analyse_saturation":
        saturation.run_saturation(
            public, config["saturation"], saturation.SaturationOutputs.under(root)
        )
    elif name == "tabulate_factors":
        tabulation.run_tabulation(
            public, config["tabulation"], tabulation.TabulationOutputs.under(root)
        )
    elif name == "assess_reliability":
        reliability.run_reliability(
            public, config["reliability"], reliability.ReliabilityOutputs.under(root)
        )


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
            analysis = 0.0
            for row in stage_benchmarks(n, scratch / f"n{n}", config):
                n_interviews, segments, stage, seconds, mib = row
                analysis += seconds if stage in ANALYSIS_STAGES else 0.0
                print(f"{n_interviews:>10}{segments:>10}  {stage:<22}{seconds:>9.2f}{mib:>10.0f}")
            print(f"{n:>10}{'':>10}  {'all analysis stages':<22}{analysis:>9.2f}")
        for label, seconds in pema_benchmark(config):
            print(f"\n{label:<50}{seconds:>9.4f} s")
        if 210 in args.sizes:
            print()
            for label, seconds in bootstrap_benchmark(config, scratch):
                print(f"{label:<50}{seconds:>9.4f} s")


if __name__ == "__main__":
    main()
