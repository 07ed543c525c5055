"""The deposit's README, from its Jinja template in ``deposit_templates``: what the deposit
holds, file by file, each exhibit with the files and rules behind it, and how to rerun and
verify it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import asdict
from importlib import resources

from peacekeeping_interviews.archive.bagging import Payload, Snapshot
from peacekeeping_interviews.archive.citation import (
    data_citation,
    deposit_title,
    licence_text,
    mandates_source,
)
from peacekeeping_interviews.archive.qda_export import CODED_RELEASE
from peacekeeping_interviews.deposit_layout import (
    EXHIBIT_MAP,
    LAYOUT,
    LEAK_SCAN_REPORT,
    RENDER_RECORD,
)
from peacekeeping_interviews.reports.exhibits import Exhibit

TEMPLATES = resources.files("peacekeeping_interviews.archive") / "deposit_templates"


def render_template(name: str, variables: Mapping) -> str:
    """A deposit document from its Jinja template in ``deposit_templates`` (Markdown: no
    escaping; an undefined variable is an error)."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    return environment.get_template(name).render(**variables)


# ---------------------------------------------------------------------------- assembly


def readme_variables(
    config: Mapping,
    version: str,
    snapshot: Snapshot,
    record: Mapping,
    exhibits: list[Exhibit],
    producers: Mapping[str, str],
    payload: Payload,
) -> dict:
    study = config["study"]
    synthetic = bool(record["synthetic"])
    datasets = []
    for path in sorted(
        p
        for p in payload.files
        if p.startswith(LAYOUT["release"]) or p == f"{LAYOUT['public']}/mandates.csv"
    ):
        rows = list(csv.reader(io.StringIO(payload.read(path).decode("utf-8"))))
        datasets.append(
            {
                "path": path,
                "description": _describe(path),
                "rows": len(rows) - 1,
                "columns": len(rows[0]) if rows else 0,
            }
        )
    files = [{"path": p, "description": _describe(p)} for p in sorted(payload.files)]
    files += [
        {"path": p, "description": d}
        for p, d in (
            ("README.md", "This user guide (Markdown); README.pdf is the same as PDF"),
            ("README.pdf", "This user guide (PDF)"),
            ("datapackage.json", "Frictionless data package: the machine-readable codebook"),
            ("ro-crate-metadata.json", "Workflow Run RO-Crate: provenance of the run"),
        )
    ]
    software = [{"name": n, "version": v} for n, v in sorted(record["software"].items())]
    return {
        "synthetic": synthetic,
        "title": deposit_title(study, synthetic),
        "slug": study["slug"],
        "version": version,
        "commit": snapshot.label,
        "fingerprint": record["stamp"]["data_fingerprint"],
        "deposit_date": record["stamp"]["date"],
        "access_tier": study["access_tier"],
        "publisher": study["publisher"],
        "access_conditions": licence_text(study).split("Access tier: ", 1)[1].strip(),
        "licence": {"name": study["licence"]["name"], "url": study["licence"]["url"]},
        "identifier": study["identifier"],
        "creators": [
            {
                "name": f"{c['given_name']} {c['family_name']}",
                "affiliation": c.get("affiliation"),
                "orcid": c.get("orcid"),
            }
            for c in study["creators"]
        ],
        "funder": {k: study["funder"][k] for k in ("name", "grant", "grant_title")},
        "abstract": study["abstract"],
        "citation": data_citation(study, version, record["stamp"]["date"][:4], synthetic),
        "mandates_source": mandates_source(
            config, json.loads(payload.read(MANDATES_NUMBERS))["synthetic"]
        ),
        "datasets": datasets,
        "files": files,
        "exhibits": [asdict(e) for e in exhibits],
        "software": software,
        "python_version": record["software"].get("python", _python_version()),
        "references": [
            study["related_publication"]["citation"].strip()
            + f" https://doi.org/{study['related_publication']['doi']}",
        ],
    }


def _describe(path: str) -> str:
    fixed = {
        f"{LAYOUT['release']}/interviews.csv": "Anonymised interview metadata, one per interview",
        f"{LAYOUT['release']}/coding.csv": "Coded segments with pseudonyms and scrubbed excerpts",
        f"{LAYOUT['release']}/mission_counts.csv": "Interviews per mission, small counts masked",
        f"{LAYOUT['public']}/mandates.csv": "Mandate data in the PEMA layout (public input)",
        f"{LAYOUT['public']}/codebook.yaml": "The coding framework: factors, responses, themes",
        f"{LAYOUT['public']}/config.yaml": "The run's configuration, restricted settings removed",
        f"{LAYOUT['documentation']}/data_list.csv": "Data list: one row per interview",
        CODED_RELEASE["project"]: (
            "The coded release as a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, QualCoder)"
        ),
        CODED_RELEASE["mapping"]: "The refi_qda config section that imports that project again",
        CODED_RELEASE["codebook"]: "The codebook as a REFI-QDA codebook (.qdc)",
        f"{LAYOUT['documentation']}/consent_tiers.md": "What each consent tier means and releases",
        f"{LAYOUT['documentation']}/information_sheet_template.md": (
            "Placeholder: participant information sheet (authors to replace)"
        ),
        f"{LAYOUT['documentation']}/consent_form_template.md": (
            "Placeholder: consent form (authors to replace)"
        ),
        f"{LAYOUT['code']}/Snakefile": "The workflow's entry point (also inside the snapshot)",
        "CITATION.cff": "How to cite the deposit (Citation File Format)",
        "datacite.json": "DataCite 4.5 metadata",
        "LICENCE.txt": "Licence and access tier",
        "results/anonymisation/report.md": "Shareable anonymisation report (never the log)",
        LEAK_SCAN_REPORT: "Leak scan of every public file: counts only",
        RENDER_RECORD: "How the documents were rendered: stamp, software, input digests",
        EXHIBIT_MAP: "Each table and figure with the results files and rules behind it",
    }
    if path in fixed:
        return fixed[path]
    if path.startswith(f"{LAYOUT['code']}/source-"):
        return "Source code at the deposited commit (git archive)"
    if path.startswith("results/paper/"):
        return "Rendered paper or appendix"
    return "Results file"


def _installed(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def _python_version() -> str:
    import platform

    return platform.python_version()


MANDATES_NUMBERS = "results/mandates/numbers.json"  # holds the mandates file's `synthetic` flag
