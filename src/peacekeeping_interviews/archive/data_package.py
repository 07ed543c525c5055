"""The deposit's Frictionless data package: the release tables with their Table Schemas,
categories spelled out and the withheld marker declared, other CSV files with inferred schemas,
checked by ``frictionless``; and the data list, one row per released interview."""

from __future__ import annotations

import copy
import hashlib
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from peacekeeping_interviews.analysis.release import RELEASED_ATTRIBUTES, tenure_bands
from peacekeeping_interviews.archive.bagging import DepositError, Payload
from peacekeeping_interviews.archive.citation import deposit_title
from peacekeeping_interviews.archive.qda_export import CODED_RELEASE
from peacekeeping_interviews.codebook import load_codebook
from peacekeeping_interviews.deposit_layout import LAYOUT, RunFiles
from peacekeeping_interviews.files import csv_text, read_yaml
from peacekeeping_interviews.vocabulary import WITHHELD

RELEASE_SCHEMAS = {
    "interviews.csv": "anonymised_interviews.table.yaml",
    "coding.csv": "anonymised_coding.table.yaml",
    "mission_counts.csv": "anonymised_mission_counts.table.yaml",
}
DATA_LIST_COLUMNS = {
    "pseudonym": "Pseudonym, as in the release and in publications",
    "month": "When the interview took place (YYYY-MM, YYYY-Qn or YYYY, or * if withheld)",
    "consent": "Consent tier: named, descriptor or anonymous",
    "citation": "Identification or descriptor, as publications cite the interview",
    "location": "City for named interviews; in_person or remote otherwise",
    "level": "Seniority, as released",
    "function": "Functional area, as released",
    "posting": "Posting, as released",
    "missions": "Missions served in (semicolon-separated), as released",
}


def release_field_values(config: Mapping, run: RunFiles) -> dict[str, dict[str, list[str]]]:
    """Allowed values of the release's categorical columns: the input schema's categories and
    every coarser value the generalisation hierarchies can put in their place."""
    source = {f["name"]: f for f in read_yaml(run.schema_dir / "interviews.table.yaml")["fields"]}
    hierarchies = config["anonymisation"]["hierarchies"]
    values: dict[str, list[str]] = {}
    edges = config["anonymisation"]["tenure_band_edges"]
    collected = {
        column: list((source[column].get("constraints") or {}).get("enum", []))
        for column in ("status", "level", "function", "posting", "region_of_origin")
    }
    collected["tenure_band"] = list(tenure_bands(pd.Series(edges, dtype=float), edges))
    for column, allowed in collected.items():
        for level in hierarchies.get(column, []):
            allowed += [v for v in level.values() if v not in allowed]
        values[column] = allowed
    codebook = load_codebook(
        run.deposited_file(f"{LAYOUT['public']}/codebook.yaml"),
        read_yaml(run.schema_dir / "codebook.schema.yaml"),
    )
    return {"interviews.csv": values, "coding.csv": {"code": codebook.ids()}}


def release_table_schema(schema: Mapping, allowed: Mapping[str, list[str]]) -> dict:
    """The release's Table Schema with categories spelled out. ``*`` (withheld for disclosure
    control) becomes a missing-value code beside the empty cell, so that each categorical
    column lists the values it can hold; an attribute disclosure control may withhold is then
    no longer required."""
    table: dict = copy.deepcopy(dict(schema))
    withheld = any(name in allowed for name in ("level", "function"))
    if withheld:
        table["missingValues"] = ["", WITHHELD]
    for field in table["fields"]:
        field.setdefault("title", field["name"].replace("_", " ").capitalize())
        if withheld and field["name"] in RELEASED_ATTRIBUTES:
            constraints = field.get("constraints", {})
            constraints.pop("required", None)
            if "enum" in constraints:
                constraints["enum"] = [v for v in constraints["enum"] if v != WITHHELD]
        if field["name"] in allowed:
            field.setdefault("constraints", {})["enum"] = list(allowed[field["name"]])
    return table


def _inferred_schema(path: Path) -> dict:
    import frictionless

    resource = frictionless.Resource(
        str(path), detector=frictionless.Detector(sample_size=10**6, field_confidence=1.0)
    )
    resource.infer()
    schema = resource.schema.to_descriptor()
    for field in schema["fields"]:
        field.setdefault("title", str(field["name"]).replace("_", " ").capitalize())
    return schema


# The payload's files other than tables that the package lists: the coded release for QDA
# software (a package of tables alone could not list them, so the package is a plain data package
# whose tables are tabular resources).
_OTHER_RESOURCES = {
    CODED_RELEASE["project"]: (
        "qdpx",
        "application/zip",
        "The coded release as a REFI-QDA project (urn:QDA-XML:project:1.0)",
    ),
    CODED_RELEASE["mapping"]: (
        "yaml",
        "application/yaml",
        "The refi_qda config section that imports the project again",
    ),
    CODED_RELEASE["codebook"]: (
        "qdc",
        "application/xml",
        "The codebook as a REFI-QDA codebook (urn:QDA-XML:codebook:1.0)",
    ),
}


def data_package(
    payload: Payload, study: Mapping, version: str, synthetic: bool, schemas: Mapping[str, dict]
) -> dict:
    """``datapackage.json`` for every CSV of the payload (declared schemas for the release and
    the data list, inferred from every row for the mandates and results tables) and for the
    coded release's REFI-QDA files."""
    resources_ = []
    with tempfile.TemporaryDirectory(prefix="pki-datapackage-") as scratch:
        for path in sorted(p for p in payload.files if p.endswith(".csv")):
            if path in schemas:
                schema = schemas[path]
            else:
                copy_ = Path(scratch) / path.replace("/", "__")
                copy_.write_bytes(payload.read(path))
                schema = _inferred_schema(copy_)
            resources_.append(
                {
                    "name": path.removesuffix(".csv").replace("/", "-").replace("_", "-").lower(),
                    "path": path,
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "description": schema.pop("description", ""),
                    "schema": schema,
                }
            )
    resources_ += [
        {
            "name": path.rsplit("/", 1)[-1].replace(".", "-").replace("_", "-").lower(),
            "path": path,
            "profile": "data-resource",
            "format": format_,
            "mediatype": mediatype,
            "description": description,
            "bytes": len(payload.read(path)),
            "hash": f"sha256:{hashlib.sha256(payload.read(path)).hexdigest()}",
        }
        for path, (format_, mediatype, description) in sorted(_OTHER_RESOURCES.items())
        if path in payload.files
    ]
    return {
        "profile": "data-package",
        "name": study["slug"],
        "title": deposit_title(study, synthetic),
        "description": study["abstract"],
        "version": version,
        "keywords": list(study["keywords"]),
        "licenses": [
            {
                "name": study["licence"]["id"],
                "path": study["licence"]["url"],
                "title": study["licence"]["name"],
            }
        ],
        "contributors": [
            {
                "title": f"{c['given_name']} {c['family_name']}",
                "role": "author",
                **({"path": c["orcid"]} if "orcid" in c else {}),
            }
            for c in study["creators"]
        ],
        "resources": resources_,
    }


def validate_data_package(folder: Path) -> None:
    import frictionless

    report = frictionless.Package(str(folder / "datapackage.json")).validate()
    if not report.valid:
        problems = [
            f"{task.name}: {error.title}: {error.message}"
            for task in report.tasks
            for error in task.errors[:5]
        ] + [f"package: {error.message}" for error in report.errors]
        raise DepositError("datapackage.json does not validate:\n" + "\n".join(problems))


# ---------------------------------------------------------------------------- data list


def data_list(interviews: pd.DataFrame) -> tuple[str, dict]:
    """One row per interview, as the UK Data Service asks of qualitative collections."""
    table = interviews[list(DATA_LIST_COLUMNS)].sort_values("pseudonym", kind="stable")
    schema = {
        "description": "Data list: one row per interview of the collection.",
        "primaryKey": ["pseudonym"],
        "missingValues": ["", WITHHELD],
        "fields": [
            {
                "name": name,
                "title": title,
                "type": "string",
                **(
                    {"constraints": {"required": True, "unique": True}}
                    if name == "pseudonym"
                    else {}
                ),
            }
            for name, title in DATA_LIST_COLUMNS.items()
        ],
    }
    return csv_text(table), schema


# ---------------------------------------------------------------------------- citation metadata
