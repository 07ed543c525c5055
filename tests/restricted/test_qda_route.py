"""The REFI-QDA route end to end: the synthetic example written as a QDA program exports it
(nested codes, case variables, two coders' imperfectly overlapping selections), read by the
workflow through the config's ``refi_qda`` mapping, gives the release that its CSV twin gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from project_copy import copy_project, snakemake

from peacekeeping_interviews.examples.example_files import write_example_qda
from peacekeeping_interviews.study_config import schema_problems

pytestmark = pytest.mark.end_to_end

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ("interviews.csv", "coding.csv", "mission_counts.csv")
N_INTERVIEWS = 40


def _config(project: Path, inputs: dict, refi_qda: dict | None) -> Path:
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    config["inputs"] = {
        **inputs,
        "mandates": config["inputs"]["mandates"],
        "codebook": config["inputs"]["codebook"],
    }
    if refi_qda is not None:
        config["refi_qda"] = refi_qda
    path = project / f"config-{'qda' if refi_qda else 'csv'}.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def _release(project: Path, config: Path) -> dict[str, bytes]:
    """Run the workflow up to the anonymisation stage with ``config`` (the only config given,
    so that no key of the example's inputs stays); the release's bytes."""
    target = ["anonymise_interviews", "--configfile", str(config)]
    result = snakemake(*target, "--cores", "2", cwd=project, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    release = {name: (project / "data" / "anonymised" / name).read_bytes() for name in RELEASE}
    release["report.json"] = (project / "results" / "anonymisation" / "report.json").read_bytes()
    snakemake(*target, "--delete-all-output", cwd=project)
    return release


def _project_with_example_qda(tmp_path: Path) -> tuple[Path, dict]:
    """A copy of the project with the example written as a QDA project in data/example-qda/,
    and that project's refi_qda mapping."""
    project = copy_project(tmp_path / "project")
    folder = project / "data" / "example-qda"
    write_example_qda(
        folder,
        codebook_path=project / "config" / "codebook.yaml",
        schema_dir=project / "workflow" / "schemas",
        n_interviews=N_INTERVIEWS,
    )
    return project, yaml.safe_load((folder / "refi_qda.yaml").read_text(encoding="utf-8"))


def test_a_qda_project_gives_the_release_its_csv_twin_gives(tmp_path):
    project, mapping = _project_with_example_qda(tmp_path)
    from_csv = _release(
        project,
        _config(
            project,
            {
                "interviews": "data/example-qda/interviews.csv",
                "coding": "data/example-qda/coding.csv",
            },
            None,
        ),
    )
    from_qda = _release(
        project, _config(project, {"qdpx": "data/example-qda/project.qdpx"}, mapping)
    )
    qda_report, csv_report = (json.loads(r.pop("report.json")) for r in (from_qda, from_csv))
    assert from_qda == from_csv
    assert "qda_import" not in csv_report
    assert qda_report["qda_import"] == {
        "project": "project.qdpx",
        "min_overlap": 0.5,
        "unmatched_codings": 0,
        "mapped_codes_never_applied": qda_report["qda_import"]["mapped_codes_never_applied"],
    }
    assert b"synthetic" in from_qda["interviews.csv"]


def test_the_whole_workflow_runs_from_a_qda_project(tmp_path):
    """From the project to the deposit: the coders' spans give the unitizing alpha, the
    published config holds neither the project's place nor the mapping's value translations
    and is a valid config (a rerun from the release is what make verify runs, in a deposit),
    and the leak scan finds nothing."""
    project, mapping = _project_with_example_qda(tmp_path)
    config = _config(project, {"qdpx": "data/example-qda/project.qdpx"}, mapping)
    result = snakemake("all", "--configfile", str(config), "--cores", "2", cwd=project, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    numbers = json.loads((project / "results/reliability/numbers.json").read_text())
    assert numbers["unitizing"]["computed"] and numbers["unitizing"]["groups"][0]["u_alpha"] < 1
    published = yaml.safe_load((project / "data/anonymised/config.yaml").read_text())
    assert published["inputs"]["qdpx"] == "not deposited (confidential)"
    assert published["refi_qda"]["values"] == {}
    schema = yaml.safe_load((project / "workflow/schemas/config.schema.yaml").read_text())
    assert schema_problems(published, schema) == []
    report = json.loads((project / "results/leak_scan/report.json").read_text())
    assert report["leaks"] == 0
    assert list((project / "results/deposit").glob("*-zip/*.zip"))
