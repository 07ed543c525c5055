"""The workflow as a whole: two tiers, profiles, end-to-end runs on the example data."""

import json
import os
import re
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from project_copy import copy_project, snakemake
from reader_checks import BANNER_START, read_pdf, value_mismatches, view_in_chromium

from peacekeeping_interviews import __version__
from peacekeeping_interviews.archive.comparison import rendered_text

SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
RESTRICTED_TIER_RULES = {"anonymise_interviews", "scan_for_leaks", "build_deposit"}
EXHIBITS = [
    Path(p)
    for p in [
        "data/anonymised/mission_counts.csv",
        "results/mandates/figure1.svg",
        "results/mandates/figure1.png",
        "results/mandates/exclusions.csv",
        "results/sample/sample_description.csv",
        "results/saturation/accumulation.svg",
        "results/saturation/new_information.png",
        "results/saturation/richness.csv",
        "results/tabulation/table1.csv",
        "results/tabulation/spectrum.svg",
        "results/tabulation/tests.csv",
        "results/reliability/alpha.csv",
        "results/leak_scan/report.json",
        f"results/paper/paper-v{__version__}.html",
        f"results/paper/paper-v{__version__}.pdf",
        f"results/paper/appendix-v{__version__}.html",
        f"results/paper/appendix-v{__version__}.pdf",
        "results/paper/render.json",
    ]
]


def rule_inputs(cwd: Path = ROOT) -> dict[str, set[str]]:
    """Each rule's input files, read from Snakemake's own file graph (nothing is run)."""
    graph = snakemake("--filegraph", cwd=cwd).stdout
    inputs: dict[str, set[str]] = {}
    for node in re.split(r"\n\d+ \[", graph)[1:]:
        rule = re.search(r'<font point-size="18">([^<]+)</font>', node).group(1)
        listed = node.split("&#8618; input", 1)[1].split("output &rarr;", 1)[0]
        inputs[rule] = set(re.findall(r'<font face="monospace">([^<]+)</font>', listed))
    return inputs


def test_only_the_restricted_tier_reads_confidential_files(project_config):
    confidential = {project_config["inputs"]["interviews"], project_config["inputs"]["coding"]}
    inputs = rule_inputs()
    assert set(inputs) >= RESTRICTED_TIER_RULES
    for rule, files in inputs.items():
        reads_restricted = {
            f for f in files if f in confidential or f.startswith("data/restricted/")
        }
        if rule not in RESTRICTED_TIER_RULES:
            assert not reads_restricted, f"rule {rule} reads restricted files {reads_restricted}"
    assert confidential <= inputs["anonymise_interviews"]
    for rule in RESTRICTED_TIER_RULES - {"anonymise_interviews"}:
        restricted = {
            f for f in inputs[rule] if f in confidential or f.startswith("data/restricted/")
        }
        assert restricted == {"data/restricted/restricted_strings.json"}, rule


@pytest.mark.parametrize("profile", ["default", "slurm"])
def test_profiles_parse_in_a_dry_run(profile):
    result = snakemake(
        "--profile", f"workflow/profiles/{profile}", "-n", "--quiet", "all", cwd=ROOT
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.end_to_end
def test_example_run_is_complete_safe_and_byte_identical(example_runs):
    first, second = example_runs
    produced = sorted(p.relative_to(first) for p in (first / "results").rglob("*") if p.is_file())
    produced += sorted(p.relative_to(first) for p in (first / "data" / "anonymised").rglob("*"))
    assert set(EXHIBITS) <= set(produced)
    for relative in produced:
        assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative
    report = (first / "results/anonymisation/report.md").read_text()
    assert report.startswith("> **SYNTHETIC DATA.**")
    assert "Leaks found: 0" in report
    # The dry run in the second copy: it writes to .snakemake/, which another test reads in the
    # first, perhaps on another xdist worker at the same time.
    rerun = snakemake("--cores", "2", "-n", cwd=second)
    assert "Nothing to be done" in rerun.stdout + rerun.stderr


@pytest.mark.end_to_end
@pytest.mark.parametrize("document", ["paper", "appendix"])
def test_rendered_documents_as_a_reader_sees_them(example_run, document):
    root = example_run
    record = json.loads((root / "results/paper/render.json").read_text())
    html = root / f"results/paper/{document}-v{__version__}.html"
    screenshot = ROOT / "tests" / "artefacts" / f"{document}.png"
    screenshot.parent.mkdir(exist_ok=True)
    view = view_in_chromium(html, screenshot)
    assert view.banner_visible and view.banner_at_top
    assert view.stamp.startswith(f"Version {__version__}, commit ")
    assert record["engine_label"] in view.stamp and record["stamp"]["date"] in view.stamp
    assert view.figures and all(width > 0 and height > 0 for width, height in view.figures)
    assert "??" not in view.body_text and not view.unresolved_citations
    assert "[synthetic example data]" in view.body_text
    assert view.values, "no inline values found"
    assert value_mismatches(view.values, root) == []
    pdf = read_pdf(root / f"results/paper/{document}-v{__version__}.pdf")
    assert 2 <= len(pdf.pages) <= 60
    missing_banner = [n for n, page in enumerate(pdf.pages, 1) if BANNER_START not in page]
    assert missing_banner == [], f"pages without the banner: {missing_banner}"
    assert all(f"Version {__version__}" in page for page in pdf.pages)
    assert pdf.images >= len(view.figures)
    pdf_text = " ".join(" ".join(pdf.pages).split())
    for value in view.values:
        assert value["text"] in pdf_text or unbroken(value["text"]) in unbroken(pdf_text), value


def unbroken(text: str) -> str:
    """Text without spaces and hyphens (soft ones included), so that a long value Typst
    hyphenated across lines of the PDF (a reference, a title) can still be found in it."""
    return re.sub(r"[\s\u00ad-]+", "", text)


def paper_text(root: Path, document: str = "paper") -> str:
    """A rendered document's words, title included and stamp left out, one space apart."""
    html = root / f"results/paper/{document}-v{__version__}.html"
    return " ".join(rendered_text(html).words)


@pytest.mark.end_to_end
def test_example_paper_describes_the_configured_study_framework_and_correction(example_run):
    root = example_run
    study = yaml.safe_load((root / "config/config.yaml").read_text())["study"]
    for document in ("paper", "appendix"):
        text = paper_text(root, document)
        assert f"{study['paper']['title']} [synthetic example data]" in text
        assert all(creator["family_name"] in text for creator in study["creators"])
        assert "Holm's step-down procedure (Holm 1979)" in text and "p (Holm)" in text
    paper = paper_text(root)
    assert " ".join(study["paper"]["abstract"].split()) in paper.replace("\u2019", "'")
    assert " ".join(study["abstract"].split()) not in paper
    assert "developed inductively from the same interviews" in paper
    categories = "Individual characteristics, Departmental factors and Positional considerations"
    assert unbroken(categories) in unbroken(paper)


@pytest.mark.end_to_end
def test_alternative_codebook_runs_without_code_change(tmp_path):
    """The agent-level framework of Buitelaar (2023), with coding recoded onto its codes, a
    renamed task group, another multiple-comparison correction and another study title: the
    paper says what this configuration holds and nothing of the example's."""
    copy = copy_project(tmp_path)
    import pandas as pd

    codebook = yaml.safe_load((copy / "config/codebook-buitelaar-2023.yaml").read_text())
    codes = [f["id"] for c in codebook["categories"] for f in c["factors"]]
    codes += [r["id"] for r in codebook["responses"]] + [t["id"] for t in codebook["themes"]]
    coding = pd.read_csv(copy / "data/example/coding.csv", dtype=str, keep_default_na=False)
    coding["code"] = [codes[i % len(codes)] for i in range(len(coding))]
    coding = coding.drop_duplicates(["interview_id", "segment", "coder"])
    coding.to_csv(copy / "data/example/coding.csv", index=False, lineterminator="\n")
    config = yaml.safe_load((copy / "config/config.yaml").read_text())
    config["inputs"]["codebook"] = "config/codebook-buitelaar-2023.yaml"
    config["tabulation"]["correction"] = "fdr_bh"
    gender = next(g for g in config["mandates"]["task_groups"] if g["id"] == "gender")
    gender.update(id="wps", label="Women, Peace and Security")
    config["study"]["paper"]["title"] = "How mission leaders choose human rights strategies"
    (copy / "other.yaml").write_text(yaml.safe_dump(config, allow_unicode=True))
    result = snakemake("--cores", "2", "--configfile", "other.yaml", cwd=copy, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    released = pd.read_csv(copy / "data/anonymised/coding.csv", dtype=str)
    assert set(released["code"]) <= set(codes)
    table1 = pd.read_csv(copy / "results/tabulation/table1.csv", dtype=str)
    assert list(table1.columns) == [c["label"] for c in codebook["categories"]]
    paper = paper_text(copy)
    assert "How mission leaders choose human rights strategies" in paper
    assert codebook["framework"]["title"] in paper and "(Buitelaar 2023)" in paper
    assert "the Benjamini-Hochberg procedure" in paper and "(Benjamini and Hochberg 1995)" in paper
    assert "p (Benjamini-Hochberg)" in paper and "Women, Peace and Security (" in paper
    for claim in (
        "individual, departmental and positional",
        "developed inductively from the same interviews",
        "Holm",
    ):
        assert claim.lower() not in paper.lower(), claim
    assert "p (Benjamini-Hochberg)" in paper_text(copy, "appendix")


@pytest.mark.end_to_end
@pytest.mark.parametrize(
    ("file", "column", "value", "message"),
    [
        ("interviews.csv", "consent", "secret", "interviews.csv: row 3 (line 4), column 'consent'"),
        ("mandates.csv", "Date2", "31/12/1995", "mandates.csv: row 3 (line 4), column 'Date2'"),
        # A mission no crosswalk entry accounts for is found before any rule runs.
        (
            "interviews.csv",
            "missions",
            "UNSMIL",
            "interviews.csv: row 3 (line 4), column 'missions'",
        ),
    ],
)
def test_bad_input_stops_before_any_output(tmp_path, file, column, value, message):
    """Nothing is written, and an earlier paper and deposit are withdrawn (a dry run keeps
    them), so that nothing complete-looking stands beside the failure."""
    copy = copy_project(tmp_path)
    import pandas as pd

    earlier = [copy / "results/paper/paper-v0.1.0.pdf", copy / "results/deposit/old/bagit.txt"]
    for path in earlier:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("from an earlier run\n")

    path = copy / "data/example" / file
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[2, column] = value
    table.to_csv(path, index=False, lineterminator="\n")
    assert snakemake("-n", cwd=copy, check=False).returncode != 0
    assert all(path.exists() for path in earlier)
    result = snakemake("--cores", "2", cwd=copy, check=False)
    assert result.returncode != 0
    assert message in result.stderr + result.stdout and repr(value) in result.stderr
    outputs = [p for p in (copy / "results").rglob("*") if p.is_file() and p.name != "README.md"]
    assert outputs == [] and not (copy / "data/anonymised").exists()


@pytest.mark.end_to_end
def test_a_failed_run_leaves_no_earlier_paper_or_deposit_beside_it(tmp_path):
    """A stage that crashes after an earlier, complete run: the earlier paper and deposit are
    withdrawn, so nothing complete-looking is left to be taken for this run's."""
    copy = copy_project(tmp_path)
    earlier = [
        copy / "results/paper/paper-v0.1.0.pdf",
        copy / "results/paper/appendix-v0.1.0.html",
        copy / "results/deposit/an-earlier-deposit-v0.1.0/bagit.txt",
    ]
    for path in earlier:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("from an earlier run\n")
    (copy / "workflow/scripts/tabulate_factors.py").write_text("raise SystemExit('crashed')\n")
    result = snakemake("--cores", "2", cwd=copy, check=False)
    assert result.returncode != 0 and "crashed" in result.stderr
    assert [p for p in earlier if p.exists()] == []
    assert not (copy / "results/deposit").exists() or not any((copy / "results/deposit").iterdir())
    assert (copy / "data/anonymised/interviews.csv").exists()  # stages that succeeded stay


def restricted_names(root: Path) -> list[str]:
    """The config's sensitive names and the names of the interviewees not named in the release."""
    import pandas as pd

    config = yaml.safe_load((root / "config/config.yaml").read_text(encoding="utf-8"))
    interviews = pd.read_csv(root / "data/example/interviews.csv", dtype=str)
    unnamed = interviews.loc[interviews["consent"] != "named", "name"].dropna()
    return [entry["name"] for entry in config["anonymisation"]["sensitive_names"]] + list(unnamed)


def files_naming(folder: Path, names: list[str]) -> dict[str, list[str]]:
    """Each file below ``folder`` that holds any of ``names``, with the names it holds."""
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        held = [name for name in names if name.encode("utf-8") in data]
        if held:
            found[str(path.relative_to(folder))] = held
    return found


@pytest.mark.end_to_end
def test_snakemake_keeps_no_restricted_name_in_its_own_folder(example_run):
    """.snakemake/ (metadata with every job's params, logs) lies outside data/restricted/."""
    root = example_run
    assert any((root / ".snakemake" / "metadata").iterdir())
    assert files_naming(root / ".snakemake", restricted_names(root)) == {}


@pytest.mark.end_to_end
def test_a_message_about_a_confidential_cell_masks_it_on_screen_and_in_snakemakes_log(tmp_path):
    """A bad byte in a non-named interviewee's name: the message locates it, and neither the
    terminal nor .snakemake/log shows the name."""
    copy = copy_project(tmp_path)
    import pandas as pd

    path = copy / "data/example/interviews.csv"
    interviews = pd.read_csv(path, dtype=str)
    row = int((interviews["consent"] == "anonymous").to_numpy().argmax())
    name = interviews.loc[row, "name"]
    data = path.read_bytes()
    path.write_bytes(data.replace(name.encode(), (name[:2] + "é" + name[2:]).encode("latin-1")))
    result = snakemake("--cores", "2", cwd=copy, check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"interviews.csv: row {row + 1} (line {row + 2}), column 'name'" in output
    surname = name.split()[-1]
    assert surname not in output and name[2:] not in output
    assert files_naming(copy / ".snakemake", [surname, name[2:]]) == {}


PEMA = ROOT.parent / "shared" / "pema" / "PEMA_raw_v2.csv"


@pytest.mark.end_to_end
def test_the_published_pema_release_runs_through_the_workflow_by_config_alone(tmp_path):
    """The README's recipe for mandate data: point inputs.mandates at the file as downloaded."""
    if not PEMA.is_file():
        pytest.fail(f"the PEMA release is not at {PEMA}") if os.environ.get("CI") else pytest.skip(
            f"the PEMA release is not at {PEMA}"
        )
    copy = copy_project(tmp_path / "copy")
    config = yaml.safe_load((copy / "config/config.yaml").read_text())
    config["inputs"]["mandates"] = str(PEMA)
    (tmp_path / "pema.yaml").write_text(yaml.safe_dump(config))
    target = "results/paper/render.json"
    result = snakemake(
        target, "--cores", "2", "--configfile", str(tmp_path / "pema.yaml"), cwd=copy, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    numbers = json.loads((copy / "results/mandates/numbers.json").read_text())
    assert numbers["missions_in_figure"] == 15 and numbers["missions_in_file"] == 48
    assert numbers["synthetic"] is False
    exclusions = (copy / "results/mandates/exclusions.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in exclusions[1:]] == ["UNISFA", "UNMIK"]
    html = (copy / f"results/paper/appendix-v{__version__}.html").read_text(encoding="utf-8")
    appendix = " ".join(re.sub(r"<[^>]+>", "", html).split())
    assert (
        "a PEMA release as its distributors publish it: 554 resolutions of 48 missions" in appendix
    )
    assert "invented and contain none of PEMA" not in appendix
