"""A second study, end to end, set up as the README's real-data recipe says: ``new-study`` with the
Buitelaar (2023) codebook, every ``FILL IN`` value replaced, then ``snakemake --profile
workflow/profiles/default --configfile DIR/config.yaml`` from the project folder, then ``make
verify``'s command on its deposit. Its study folder lives outside the project, as restricted
material should (``tests/second_study.py`` builds it).

The paper, the appendix and the deposit must describe this study, from its config and codebook,
and say nothing that only the example study (Oksamytna et al. 2023) could say."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml
from project_copy import RUN_ENVIRONMENT, copy_project, snakemake
from second_study import (
    CODEBOOK,
    N_INTERVIEWS,
    PEMA_MISSIONS,
    POLITICAL_MISSIONS,
    TASK_GROUPS,
    write_second_study,
)
from statsmodels.stats.multitest import multipletests
from xdist_sharing import built_once

from peacekeeping_interviews import __version__

pytestmark = pytest.mark.end_to_end

CLI = str(Path(sys.executable).with_name("peacekeeping-interviews"))
# What only the example study says: its framework's categories and origin, its correction, a
# mission, a city and the grant of the example, its first author, its fieldwork's first year, its
# first task group's label and its archive. Phrases in lower case are matched in any case.
EXAMPLE_PHRASES = (
    "individual, departmental and positional",
    "developed inductively from the same interviews",
    "Holm",
    "UNTAC",
    "Kinshasa",
    "ES/R004161/1",
    "Oksamytna",
    "2019",
    "Human Rights",
    "UK Data Service",
)
# Where an example phrase is right in this study too: Oksamytna co-authored the PEMA dataset the
# mandates come from (Di Salvatore, Lundgren, Oksamytna & Smidt 2022), and "Human Rights" is in the
# title of Buitelaar (2023), the source of this study's codebook.
# Each is (what the text before must end with, what the text after must start with).
ALLOWED = {
    "Oksamytna": (re.compile(r"Di Salvatore\W[^()]{0,60}$"), None),
    "Human Rights": (None, re.compile(r"^ Promotion Strategies")),
}
# Bibliography entries only the example study cites.
EXAMPLE_REFERENCES = ("ref-oksamytna2023", "ref-holm1979")
# Expected Figure 1 of tests/fixtures/second_study/mandates.csv (its README).
FIGURE1 = {
    "rights": [True, True, True, True],
    "democracy": [False, False, True, True],
    "elections": [False, True, True, True],
    "civic_space": [True, True, False, True],
    "wps": [True, True, True, True],
}


@dataclass
class SecondStudy:
    project: Path
    study: Path
    config: dict
    printed: str
    run: subprocess.CompletedProcess

    def path(self, relative: str) -> Path:
        """A file of the run, or a failure naming the run's first error if it was not written."""
        path = self.project / relative
        if not path.exists():
            pytest.fail(f"{relative} was not written; {self.failed()}")
        return path

    def failed(self) -> str:
        """The run's status and its first error (a long list of problems cut short)."""
        error = re.search(r"^[\w.]*(?:Error|Exception)\b", self.run.stderr, re.MULTILINE)
        start = error.start() if error else max(0, len(self.run.stderr) - 2500)
        return f"the run failed (status {self.run.returncode}):\n{self.run.stderr[start:][:2500]}"


@pytest.fixture(scope="session")
def second_study(pytestconfig, tmp_path_factory) -> SecondStudy:
    """The project copied, the study set up in a restricted folder beside it, and run once (once
    per test session, whatever the number of xdist workers: tests only read it)."""
    project, config_path, printed, run = built_once(
        pytestconfig, tmp_path_factory, "second_study", _run_second_study
    )
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    return SecondStudy(project, config_path.parent, config, printed, run)


def _run_second_study(root: Path) -> tuple[Path, Path, str, subprocess.CompletedProcess]:
    project = copy_project(root / "project")
    config_path, printed = write_second_study(project, root / "restricted" / "study")
    run = snakemake(
        "--profile",
        "workflow/profiles/default",
        "--cores",
        "2",
        "--configfile",
        str(config_path),
        cwd=project,
        check=False,
    )
    return project, config_path, printed, run


@pytest.fixture(scope="module")
def bag(second_study) -> Path:
    bags = sorted(second_study.path("results/deposit").glob("*/bagit.txt"))
    if not bags:
        pytest.fail(f"no deposit bag; {second_study.failed()}")
    assert len(bags) == 1, bags
    return bags[0].parent


class _Document(HTMLParser):
    """A rendered HTML document's text, apart from its stamp header, styles and scripts, split
    into the body and the bibliography (``#refs``), with the bibliography's entry ids."""

    def __init__(self) -> None:
        super().__init__()
        self.body: list[str] = []
        self.references: list[str] = []
        self.reference_ids: list[str] = []
        self._stack: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "img", "hr", "meta", "link", "input", "col", "wbr", "source"}:
            return
        attributes = {key: value or "" for key, value in attrs}
        if attributes.get("id", "").startswith("ref-"):
            self.reference_ids.append(attributes["id"])
        if tag in {"style", "script"} or "pki-top" in attributes.get("class", "").split():
            role = "skip"
        elif attributes.get("id") == "refs":
            role = "refs"
        else:
            role = ""
        self._stack.append((tag, role))

    def handle_endtag(self, tag: str) -> None:
        while self._stack and self._stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        roles = {role for _, role in self._stack}
        if "skip" not in roles:
            (self.references if "refs" in roles else self.body).extend(data.split())


def read_document(path: Path) -> _Document:
    document = _Document()
    document.feed(path.read_text(encoding="utf-8"))
    document.close()
    return document


def example_phrases(text: str) -> list[str]:
    """Each example phrase in ``text`` (as a whole word or number: not the 2019 of 0.2019), with
    80 characters either side, unless :data:`ALLOWED` there."""
    found = []
    for phrase in EXAMPLE_PHRASES:
        flags = re.IGNORECASE if phrase.islower() else 0
        for match in re.finditer(rf"(?<![\w.]){re.escape(phrase)}(?!\w)", text, flags):
            before, after = ALLOWED.get(phrase, (None, None))
            if (before and before.search(text[: match.start()])) or (
                after and after.search(text[match.end() :])
            ):
                continue
            context = text[max(0, match.start() - 80) : match.end() + 80]
            found.append(f"{phrase!r} in …{' '.join(context.split())}…")
    return found


def test_new_study_writes_the_config_and_the_inputs_are_the_second_study(second_study):
    assert "replace every 'FILL IN' value" in second_study.printed
    assert "--configfile" in second_study.printed
    codebook = second_study.study / "codebook.yaml"
    assert codebook.read_bytes() == second_study.path(CODEBOOK).read_bytes()
    assert second_study.config["inputs"]["codebook"] == str(codebook.resolve())
    assert "FILL IN" not in (second_study.study / "config.yaml").read_text(encoding="utf-8")
    interviews = pd.read_csv(second_study.study / "interviews.csv", dtype=str)
    coding = pd.read_csv(second_study.study / "coding.csv", dtype=str)
    assert len(interviews) == N_INTERVIEWS
    assert set(interviews["synthetic"]) == {"true"}
    assert interviews["date"].str[:4].isin(["2021", "2022", "2023"]).all()
    assert coding["coder"].nunique() == 2
    served = set(interviews["missions"].dropna().str.split(";").explode())
    assert set(POLITICAL_MISSIONS) <= served
    assert served <= set(POLITICAL_MISSIONS) | {m["column"] for m in PEMA_MISSIONS}


def test_the_run_succeeds_and_writes_the_paper_appendix_and_deposit(second_study):
    assert second_study.run.returncode == 0, second_study.failed()
    for document in ("paper", "appendix"):
        for extension in ("html", "pdf"):
            path = f"results/paper/{document}-v{__version__}.{extension}"
            assert second_study.path(path).is_file(), path
    slug = second_study.config["study"]["slug"]
    name = f"{slug}-synthetic-example-v{__version__}"
    zips = sorted(second_study.path(f"results/deposit/{name}-zip").glob("*.zip"))
    assert [z.name for z in zips] == [f"{name}.zip"]


def test_figure1_has_the_renamed_task_groups_and_the_study_missions(second_study):
    matrix = pd.read_csv(second_study.path("results/mandates/figure1_matrix.csv"), dtype=str)
    assert list(matrix["task_group"]) == [group["id"] for group in TASK_GROUPS]
    assert list(matrix["task_group_label"]) == [group["label"] for group in TASK_GROUPS]
    missions = [mission["column"] for mission in PEMA_MISSIONS]
    assert list(matrix.columns) == ["task_group", "task_group_label", *missions]
    found = {row.task_group: [row[m] == "true" for m in missions] for _, row in matrix.iterrows()}
    assert found == FIGURE1
    numbers = json.loads(second_study.path("results/mandates/numbers.json").read_text())
    assert numbers["missions_in_figure"] == len(PEMA_MISSIONS)
    assert numbers["missions_in_file_not_in_study"] == 1  # UNISFA


def test_the_political_missions_are_excluded_with_their_reason(second_study):
    exclusions = pd.read_csv(second_study.path("results/mandates/exclusions.csv"), dtype=str)
    reasons = {m["name"]: m["reason"] for m in second_study.config["mandates"]["excluded_missions"]}
    assert dict(zip(exclusions["mission"], exclusions["reason"], strict=True)) == reasons
    assert set(reasons) == set(POLITICAL_MISSIONS)


def test_the_tests_use_the_configured_correction(second_study):
    assert second_study.config["tabulation"]["correction"] == "fdr_bh"
    tests = pd.read_csv(second_study.path("results/tabulation/tests.csv"))
    assert set(tests["correction"]) == {"fdr_bh"}
    for family, members in tests.dropna(subset=["p_value"]).groupby("family"):
        expected = multipletests(members["p_value"], method="fdr_bh")[1]
        assert members["p_adjusted"].to_numpy() == pytest.approx(expected, abs=2e-3), family
    numbers = json.loads(second_study.path("results/tabulation/numbers.json").read_text())
    assert numbers["correction"]["label"] == "Benjamini-Hochberg"


@pytest.mark.parametrize("document", ["paper", "appendix"])
def test_the_documents_describe_this_study_and_nothing_of_the_example(second_study, document):
    html = second_study.path(f"results/paper/{document}-v{__version__}.html")
    rendered = read_document(html)
    body = " ".join(rendered.body)
    study = second_study.config["study"]
    assert f"{study['paper']['title']} [synthetic example data]" in body
    assert " ".join(study["paper"]["abstract"].split()) in body.replace("\u2019", "'")
    assert study["title"] not in body  # the data collection's title is the deposit README's
    assert all(creator["family_name"] in body for creator in study["creators"])
    assert example_phrases(body) == []
    assert [ref for ref in EXAMPLE_REFERENCES if ref in rendered.reference_ids] == []
    assert example_phrases(" ".join(rendered.references)) == []


def test_the_deposit_readme_and_metadata_describe_this_study(second_study, bag):
    study = second_study.config["study"]
    readme = (bag / "data" / "README.md").read_text(encoding="utf-8")
    assert study["title"] in readme
    assert all(creator["family_name"] in readme for creator in study["creators"])
    assert example_phrases(readme) == []
    datacite = json.loads((bag / "data" / "datacite.json").read_text(encoding="utf-8"))
    awards = [funding["awardNumber"] for funding in datacite["fundingReferences"]]
    assert awards == [study["funder"]["grant"]]
    for name in ("bag-info.txt", "data/CITATION.cff", "data/datacite.json"):
        assert example_phrases((bag / name).read_text(encoding="utf-8")) == [], name


def test_the_deposit_names_no_path_of_the_restricted_study_folder(second_study, bag):
    """The study folder is restricted space (README): its location is not the deposit's business,
    and a reader could not open it anyway."""
    folder = str(second_study.study.resolve())
    named = []
    for path in sorted((bag / "data").rglob("*")):
        if path.suffix in {".md", ".json", ".csv", ".yaml", ".cff", ".txt", ".html"}:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if folder in line:
                    named.append(f"{path.relative_to(bag)}:{number}: {line.strip()[:160]}")
    assert named == [], "\n".join(named)


def test_make_verify_reproduces_the_deposit(second_study, bag, tmp_path):
    zips = sorted((bag.parent / f"{bag.name}-zip").glob("*.zip"))
    result = subprocess.run(
        [CLI, "verify", str(zips[0]), "--scratch", str(tmp_path / "verification")],
        cwd=second_study.project,
        capture_output=True,
        text=True,
        env=RUN_ENVIRONMENT,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert result.stdout.startswith("reproduced")
    report = (tmp_path / "verification" / bag.name / "REPLICATION.md").read_text()
    assert "**reproduced: every other file of the deposit is accounted for and matches;" in report
