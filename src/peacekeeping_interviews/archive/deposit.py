"""The deposit stage: what goes into the UK Data Service bag, and the metadata an archive and a
reviewer read from it (the bag itself is made by :mod:`peacekeeping_interviews.archive.bagging`).

Each document is built by a small function from the run's files and the config's ``study``
section, and checked by the tool that owns its standard: the data package by ``frictionless``,
``CITATION.cff`` by ``cffconvert``, ``datacite.json`` by the DataCite 4.5 schema of the
``datacite`` package, and the Workflow Run RO-Crate by ``roc-validator``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from peacekeeping_interviews import __version__
from peacekeeping_interviews.analysis.release import read_release
from peacekeeping_interviews.archive.bagging import (
    DepositError,
    DepositRequest,
    Payload,
    Snapshot,
    build_bag,
    snapshot_as_deposited,
    source_snapshot,
)
from peacekeeping_interviews.archive.citation import (
    citation_cff,
    datacite_metadata,
    deposit_title,
    licence_text,
    validate_citation,
    validate_datacite,
)
from peacekeeping_interviews.archive.data_package import (
    RELEASE_SCHEMAS,
    data_list,
    data_package,
    release_field_values,
    release_table_schema,
    validate_data_package,
)
from peacekeeping_interviews.archive.deposit_readme import (
    _installed,
    readme_variables,
    render_template,
)
from peacekeeping_interviews.archive.qda_export import coded_release_files
from peacekeeping_interviews.archive.ro_crate import validate_crate, workflow_run_crate
from peacekeeping_interviews.deposit_layout import (
    EXAMPLE_INPUTS,
    EXHIBIT_MAP,
    LAYOUT,
    LAYOUT_VERSION,
    RENDER_RECORD,
    RunFiles,
    fingerprint,
    input_digests,
)
from peacekeeping_interviews.files import json_text, read_yaml
from peacekeeping_interviews.reports.exhibits import read_exhibit_map
from peacekeeping_interviews.reports.stamp import Stamp
from peacekeeping_interviews.reports.study import author_name, one_line
from peacekeeping_interviews.reports.typst_pdf import PdfMetadata, markdown_pdf
from peacekeeping_interviews.restricted.restricted_strings import RestrictedStrings
from peacekeeping_interviews.study_config import confidential_input_paths, creator_name

# ---------------------------------------------------------------------------- config and study


@dataclass(frozen=True)
class Assembled:
    payload: Payload
    bag_info: dict[str, str]
    date: str
    synthetic: bool
    checks: tuple[Callable[[Path], None], ...]


def assemble_payload(
    run: RunFiles,
    config: Mapping,
    version: str,
    snapshot: Snapshot,
    producers: Mapping[str, str],
    environ: Mapping[str, str] = os.environ,
) -> Assembled:
    """Every file of the bag's payload, in memory or as a file to copy, and the checks to run
    on it once written."""
    study = config["study"]
    record = json.loads(run.path(RENDER_RECORD).read_text(encoding="utf-8"))
    stamp = Stamp(**record["stamp"])
    synthetic = bool(record["synthetic"])
    date, year = stamp.date, stamp.date[:4]
    payload = Payload()

    for payload_path, project_path in sorted(run.deposited.items()):
        payload.add(payload_path, run.path(project_path))
    deposited = fingerprint(input_digests(run.root, run.deposited))
    if deposited != stamp.data_fingerprint:
        raise DepositError(
            f"the deposited inputs have data fingerprint {deposited}, but the documents were "
            f"rendered from {stamp.data_fingerprint}: an input changed after rendering; rerun "
            "the workflow"
        )
    for path in run.results:
        if path not in run.deposited:
            payload.add(path, run.path(path))

    interviews = pd.read_csv(
        run.deposited_file(f"{LAYOUT['release']}/interviews.csv"), dtype=str, keep_default_na=False
    )
    listed, list_schema = data_list(interviews)
    documentation = LAYOUT["documentation"]
    payload.add(f"{documentation}/data_list.csv", listed)
    for template in (
        "consent_tiers.md",
        "information_sheet_template.md",
        "consent_form_template.md",
    ):
        payload.add(
            f"{documentation}/{template}",
            render_template(
                template,
                {
                    "funder": study["funder"],
                    "publisher": study["publisher"],
                    "non_identifying": config["anonymisation"]["non_identifying"],
                },
            ),
        )

    release = read_release(
        run.deposited_file(f"{LAYOUT['release']}/interviews.csv"),
        run.deposited_file(f"{LAYOUT['release']}/coding.csv"),
        run.deposited_file(f"{LAYOUT['public']}/codebook.yaml"),
        run.schema_dir,
    )
    for path, content in coded_release_files(release, deposit_title(study, synthetic)).items():
        payload.add(path, content)

    payload.add(f"{LAYOUT['code']}/source-{snapshot.commit[:12]}.tar.gz", snapshot.archive)
    payload.add(f"{LAYOUT['code']}/Snakefile", run.path("Snakefile"))

    payload.add("CITATION.cff", citation_cff(study, version, date, synthetic))
    datacite = datacite_metadata(study, version, year, synthetic, stamp.data_fingerprint)
    validate_datacite(datacite)
    payload.add("datacite.json", json_text(datacite))
    payload.add("LICENCE.txt", licence_text(study))

    allowed = release_field_values(config, run)
    schemas = {
        f"{LAYOUT['release']}/{name}": release_table_schema(
            read_yaml(run.schema_dir / schema), allowed.get(name, {})
        )
        for name, schema in RELEASE_SCHEMAS.items()
        if f"{LAYOUT['release']}/{name}" in run.deposited
    }
    schemas[f"{documentation}/data_list.csv"] = list_schema

    exhibits = read_exhibit_map(run.path(EXHIBIT_MAP))
    readme = render_template(
        "README.md.j2",
        readme_variables(config, version, snapshot, record, exhibits, producers, payload),
    )
    payload.add("README.md", readme)
    payload.add(
        "README.pdf",
        markdown_pdf(
            readme,
            PdfMetadata(
                title=deposit_title(study, synthetic),
                authors=[author_name(creator) for creator in study["creators"]],
                keywords=study["keywords"],
                subject=one_line(study["abstract"]),
            ),
            stamp,
            synthetic,
        ),
    )
    payload.add(
        "datapackage.json", json_text(data_package(payload, study, version, synthetic, schemas))
    )

    inputs = [p for p in payload.files if p.startswith((LAYOUT["release"], LAYOUT["public"]))]
    outputs = [p for p in payload.files if p.startswith(LAYOUT["results"] + "/")]
    payload.add(
        "ro-crate-metadata.json",
        json_text(
            workflow_run_crate(
                payload,
                study,
                version,
                date,
                synthetic,
                sorted(inputs),
                sorted(outputs),
                record["software"].get("snakemake", _installed("snakemake")),
                snapshot.label,
            )
        ),
    )
    bag_info = {
        "Source-Organization": study["publisher"] + " (intended archive)",
        "External-Description": deposit_title(study, synthetic),
        "External-Identifier": study["identifier"],
        "Bagging-Date": date,
        "Bag-Group-Identifier": study["slug"],
        "Contact-Name": "; ".join(creator_name(c) for c in study["creators"]),
        "Internal-Sender-Identifier": f"{study['slug']}-v{version}",
        "Internal-Sender-Description": (
            f"Version {version} at commit {snapshot.label}; synthetic data: "
            f"{'yes' if synthetic else 'no'}; access tier: {study['access_tier']}; "
            f"funder: {study['funder']['name']} grant {study['funder']['grant']}"
        ),
        "Deposit-Layout-Version": str(LAYOUT_VERSION),
        "Data-Fingerprint": stamp.data_fingerprint,
        "Pipeline-Version": __version__,
        "Synthetic-Data": "true" if synthetic else "false",
        "Access-Tier": study["access_tier"],
    }
    return Assembled(
        payload,
        bag_info,
        date,
        synthetic,
        checks=(validate_data_package, lambda f: validate_citation(f, environ), validate_crate),
    )


def generator_vocabulary(path: Path) -> tuple[str, ...]:
    """The invented names and notes the synthetic generator writes into the example (its data
    file, ``example_vocabulary.yaml``): restricted strings of the example data by construction,
    and public with the code."""
    vocabulary = read_yaml(path)
    return tuple(e["name"] for e in vocabulary["third_parties"]) + tuple(vocabulary["notes"])


def build_deposit(
    run: RunFiles,
    config: Mapping,
    version: str,
    name: str,
    bag: Path,
    zips: Path,
    producers: Mapping[str, str],
    restricted: RestrictedStrings | None,
    quarantine: Path,
    example_vocabulary: Path,
    deposited_snapshot: Path | None = None,
    environ: Mapping[str, str] = os.environ,
) -> dict:
    """The deposit stage: snapshot the code, assemble and check the payload, bag, scan, zip (or,
    on a leak, move the leaking files to ``quarantine``, in restricted space).

    The authors' run passes the ``restricted`` strings to scan the bag for (see
    :mod:`peacekeeping_interviews.restricted.restricted_strings`). A run from a deposit passes
    none, and the ``deposited_snapshot``: it rebuilds the bag from what the deposit holds, for
    ``make verify`` to compare, and has nothing confidential to scan it for."""
    if deposited_snapshot is None:
        snapshot = source_snapshot(
            run.root,
            prefix=f"{name}-source",
            exclude=[*confidential_input_paths(config), *EXAMPLE_INPUTS],
        )
    else:
        record = json.loads(run.path(RENDER_RECORD).read_text(encoding="utf-8"))
        snapshot = snapshot_as_deposited(deposited_snapshot, record["stamp"]["commit"])
    assembled = assemble_payload(run, config, version, snapshot, producers, environ)
    request = DepositRequest(
        payload=assembled.payload,
        bag_info=assembled.bag_info,
        bag=bag,
        zips=zips,
        date=assembled.date,
        max_zip_bytes=config["deposit"]["max_zip_bytes"],
        restricted=restricted,
        quarantine=quarantine,
        checks=assembled.checks,
        exempt_in_snapshot=generator_vocabulary(example_vocabulary) if assembled.synthetic else (),
    )
    return build_bag(request)
