"""The package modules a rule depends on come from its script's imports: checked against what a
fresh interpreter actually loads when it imports what the script imports."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from peacekeeping_interviews.module_imports import (
    imported_modules,
    module_closure,
    module_files,
    package_files,
)
from peacekeeping_interviews.restricted.confidential_source import ConfidentialSource

PACKAGE_DIR = ROOT / "src" / "peacekeeping_interviews"
SCRIPTS = sorted((ROOT / "workflow" / "scripts").glob("*.py"))


def loaded_by_importing(script) -> set[Path]:
    """The package's files Python runs when it runs the script's top-level imports."""
    statements = [
        ast.unparse(node)
        for node in ast.parse(script.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    probe = "\n".join(
        [
            *statements,
            "import sys",
            "print('\\n'.join(m.__file__ for n, m in sys.modules.items()"
            " if n.startswith('peacekeeping_interviews')))",
        ]
    )
    output = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return {Path(line).resolve() for line in output.split()}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_every_module_a_script_loads_is_among_its_rules_inputs(script):
    declared = {path.resolve() for path in module_closure(script, PACKAGE_DIR)}
    loaded = loaded_by_importing(script)
    assert loaded, "the probe saw no module of the package"
    assert loaded <= declared


def test_every_form_of_import_is_read():
    source = "\n".join(
        [
            "import peacekeeping_interviews.files",
            "from peacekeeping_interviews import __version__",
            "from peacekeeping_interviews.reports import crossref",
            "from peacekeeping_interviews.text import MONTHS",
            "def later():",
            "    from peacekeeping_interviews.examples.synthetic import NOTES",
            "import pandas",
            "from . import relative",
        ]
    )
    assert imported_modules(source) == {
        "files",
        "",
        "__version__",
        "reports",
        "reports.crossref",
        "text",
        "text.MONTHS",
        "examples.synthetic",
        "examples.synthetic.NOTES",
    }


def test_a_name_below_a_subpackage_brings_its_init_and_the_module():
    files = module_files("reports.crossref.resolve", PACKAGE_DIR)
    assert files == [
        PACKAGE_DIR / "__init__.py",
        PACKAGE_DIR / "reports" / "__init__.py",
        PACKAGE_DIR / "reports" / "crossref.py",
    ]


def test_a_module_imported_only_through_another_is_found():
    """The issue's example: the saturation rule runs validation through release."""
    closure = {
        p.stem for p in module_closure(ROOT / "workflow/scripts/analyse_saturation.py", PACKAGE_DIR)
    }
    assert {"saturation", "release", "table_schema", "__init__"} <= closure
    assert "anonymisation" not in closure  # the public tier does not import the restricted one


def tiers(rule: str) -> set[str]:
    """The package's folders (tiers) a rule's script runs code from."""
    closure = module_closure(ROOT / f"workflow/scripts/{rule}.py", PACKAGE_DIR)
    return {p.relative_to(PACKAGE_DIR).parts[0] for p in closure if p.parent != PACKAGE_DIR}


@pytest.mark.parametrize(
    "rule",
    [
        "merge_mandates",
        "describe_sample",
        "analyse_saturation",
        "tabulate_factors",
        "assess_reliability",
        "describe_study",
        "render_reports",
        "publish_config",
    ],
)
def test_no_public_rule_runs_restricted_tier_or_example_code(rule):
    assert not tiers(rule) & {"restricted", "examples"}


def test_the_deposit_reads_the_restricted_index_not_the_anonymisation_stage():
    closure = {
        p.relative_to(PACKAGE_DIR).as_posix()
        for p in module_closure(ROOT / "workflow/scripts/build_deposit.py", PACKAGE_DIR)
    }
    assert "examples" not in tiers("build_deposit")
    assert not closure & {"restricted/anonymisation.py", "restricted/validation.py"}


def test_a_rule_depends_on_the_data_files_of_the_tiers_it_runs():
    """The PEMA presets decide Figure 1; the templates write the deposit's README."""
    mandates = package_files(ROOT / "workflow/scripts/merge_mandates.py", PACKAGE_DIR)
    deposit = package_files(ROOT / "workflow/scripts/build_deposit.py", PACKAGE_DIR)
    assert PACKAGE_DIR / "analysis" / "pema_layouts.yaml" in mandates
    assert PACKAGE_DIR / "archive" / "deposit_templates" / "README.md.j2" in deposit
    assert not any(p.suffix == ".j2" for p in mandates)


def test_the_validation_digest_follows_the_checks_not_every_module(tmp_path):
    """Editing a module validation does not run leaves the start-up product, and so the
    anonymisation stage, alone; editing one it runs does not."""
    package = tmp_path / "peacekeeping_interviews"
    shutil.copytree(PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    source = ConfidentialSource(
        ROOT / "data/example/interviews.csv", ROOT / "data/example/coding.csv"
    )
    arguments = [ROOT / "config/codebook.yaml", ROOT / "workflow/schemas", "2026-11-23"]
    before = source.digest(*arguments, package)
    with (package / "analysis" / "figures.py").open("a") as module:
        module.write("# an edit validation never runs\n")
    assert source.digest(*arguments, package) == before
    for checks in ("table_schema.py", "qda_exchange.py"):
        with (package / checks).open("a") as module:
            module.write("# an edit of the checks or the import\n")
        assert source.digest(*arguments, package) != before
        before = source.digest(*arguments, package)
