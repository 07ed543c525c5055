"""The package modules a rule depends on come from its script's imports: checked against what a
fresh interpreter actually loads when it imports what the script imports."""

import ast
import subprocess
import sys

import pytest
from conftest import ROOT

from peacekeeping_interviews.module_imports import imported_modules, module_closure

PACKAGE_DIR = ROOT / "src" / "peacekeeping_interviews"
SCRIPTS = sorted((ROOT / "workflow" / "scripts").glob("*.py"))


def loaded_by_importing(script) -> set[str]:
    """The package modules Python loads when it runs the script's top-level imports."""
    statements = [
        ast.unparse(node)
        for node in ast.parse(script.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    probe = "\n".join(
        [
            *statements,
            "import sys",
            "print('\\n'.join(m for m in sys.modules if m.startswith('peacekeeping_interviews')))",
        ]
    )
    output = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return {m.split(".", 1)[1] if "." in m else "__init__" for m in output.split()}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_every_module_a_script_loads_is_among_its_rules_inputs(script):
    declared = {path.stem for path in module_closure(script, PACKAGE_DIR)}
    assert loaded_by_importing(script) <= declared


def test_every_form_of_import_is_read():
    source = "\n".join(
        [
            "import peacekeeping_interviews.files",
            "from peacekeeping_interviews import crossref, __version__",
            "from peacekeeping_interviews.text import MONTHS",
            "def later():",
            "    from peacekeeping_interviews.synthetic import NOTES",
            "import pandas",
            "from . import relative",
        ]
    )
    assert imported_modules(source) == {
        "files",
        "crossref",
        "__version__",
        "__init__",
        "text",
        "synthetic",
    }


def test_a_module_imported_only_through_another_is_found():
    """The issue's example: the saturation rule runs validation through release."""
    closure = {
        p.stem for p in module_closure(ROOT / "workflow/scripts/analyse_saturation.py", PACKAGE_DIR)
    }
    assert {"saturation", "release", "table_schema", "__init__"} <= closure
    assert "anonymisation" not in closure  # the public tier does not import the restricted one


RESTRICTED_TIER = {"anonymisation", "validation", "scrub", "leak_scan", "restricted_strings"}


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
    ],
)
def test_no_public_rule_imports_the_restricted_tier(rule):
    closure = {p.stem for p in module_closure(ROOT / f"workflow/scripts/{rule}.py", PACKAGE_DIR)}
    assert not closure & RESTRICTED_TIER


def test_the_deposit_reads_the_restricted_index_not_the_anonymisation_stage():
    closure = {
        p.stem for p in module_closure(ROOT / "workflow/scripts/build_deposit.py", PACKAGE_DIR)
    }
    assert not closure & {"anonymisation", "validation", "synthetic", "rendering"}
