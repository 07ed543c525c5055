"""The deposit stage: what goes into the UK Data Service bag, and the metadata an archive and a
reviewer read from it (the bag itself is made by :mod:`peacekeeping_interviews.bagging`).

Each document is built by a small function from the run's files and the config's ``study``
section, and checked by the tool that owns its standard: the data package by ``frictionless``,
``CITATION.cff`` by ``cffconvert``, ``datacite.json`` by the DataCite 4.5 schema of the
``datacite`` package, and the Workflow Run RO-Crate by ``roc-validator``.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from peacekeeping_interviews import __version__
from peacekeeping_interviews.anonymisation import (
    RELEASED_ATTRIBUTES,
    ConfidentialInputs,
    tenure_bands,
)
from peacekeeping_interviews.bagging import (
    LAYOUT,
    LAYOUT_VERSION,
    DepositError,
    DepositRequest,
    Payload,
    Snapshot,
    build_bag,
    source_snapshot,
)
from peacekeeping_interviews.codebook import load_codebook
from peacekeeping_interviews.exhibits import Exhibit, exhibits_of
from peacekeeping_interviews.files import csv_text, json_text, read_yaml
from peacekeeping_interviews.rendering import Stamp, markdown_pdf
from peacekeeping_interviews.study_config import RESTRICTED_SETTINGS, creator_name
from peacekeeping_interviews.tools import find_cffconvert, missing_tools

TEMPLATES = resources.files("peacekeeping_interviews") / "deposit_templates"
RELEASE_SCHEMAS = {
    "interviews.csv": "anonymised_interviews.table.yaml",
    "coding.csv": "anonymised_coding.table.yaml",
    "mission_counts.csv": "anonymised_mission_counts.table.yaml",
}
WITHHELD = "*"
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
DOI = re.compile(r"(?:https://doi\.org/)?(10\.\d{4,9}/\S+)")
# The synthetic example's confidential-tier inputs: never in a snapshot, whichever study ran, since
# their invented ids and names may coincide with a real study's restricted strings.
EXAMPLE_INPUTS = ("data/example/interviews.csv", "data/example/coding.csv")
MANDATES_NUMBERS = "results/mandates/numbers.json"  # holds the mandates file's `synthetic` flag


@dataclass(frozen=True)
class RunFiles:
    """The run's files the deposit copies, by project path."""

    root: Path
    release: dict[str, str]  # file name -> project path (data/anonymised/…)
    results: list[str]  # every public results file, rendered documents included
    mandates: str
    codebook: str
    schema_dir: Path
    reports_dir: Path

    def path(self, relative: str) -> Path:
        return self.root / relative


# ---------------------------------------------------------------------------- config and study


def public_config(config: Mapping) -> dict:
    """The run's config as a reviewer reruns it: inputs pointing into the bag, and no restricted
    setting: not the names the scrub replaces, the key's location, the cities of non-named
    interviews (``place_descriptors`` is keyed by them) or the allow-list's place (optional, so
    left out). A run from the release reads none of them, and the result still matches the
    config schema."""
    public = copy.deepcopy(dict(config))
    public["start_from"] = "release"
    public["inputs"]["mandates"] = f"{LAYOUT['public']}/mandates.csv"
    public["inputs"]["codebook"] = f"{LAYOUT['public']}/codebook.yaml"
    public["inputs"]["interviews"] = "not deposited (confidential)"
    public["inputs"]["coding"] = "not deposited (confidential)"
    anonymisation = public["anonymisation"]
    anonymisation["key_file"] = "not deposited (restricted)"
    for key in RESTRICTED_SETTINGS:
        anonymisation.pop(key, None)
    anonymisation.update(sensitive_names=[], place_descriptors={})
    return public


def deposit_title(study: Mapping, synthetic: bool) -> str:
    return study["title"] + (" [synthetic example data]" if synthetic else "")


def minted_doi(identifier: str) -> str | None:
    """The DOI (``10.…/…``) if the identifier is one, else ``None`` (a placeholder until the
    archive mints it)."""
    found = DOI.fullmatch(identifier.strip())
    return found[1] if found else None


def mandates_source(config: Mapping, synthetic: bool) -> dict:
    """The mandate data's citation, link and licence for the README, from ``mandates.source`` of
    the config. ``synthetic`` is the mandates file's own flag, as the merge stage recorded it."""
    source = config["mandates"]["source"]
    return {
        "citation": source["citation"],
        "url": f"https://doi.org/{source['doi']}",
        "licence": (
            "synthetic rows in the PEMA layout, generated by this project (no PEMA data)"
            if synthetic
            else "as stated by the PEMA dataset's distributors"
        ),
    }


def data_citation(study: Mapping, version: str, year: str, synthetic: bool) -> str:
    names = "; ".join(creator_name(c) for c in study["creators"])
    return (
        f"{names} ({year}). {deposit_title(study, synthetic)}. Version {version}. "
        f"{study['publisher']}. {study['identifier']}."
    )


# ---------------------------------------------------------------------------- data package


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
        run.path(run.codebook), read_yaml(run.schema_dir / "codebook.schema.yaml")
    )
    return {"interviews.csv": values, "coding.csv": {"code": codebook.ids()}}


def release_table_schema(schema: Mapping, allowed: Mapping[str, list[str]]) -> dict:
    """The release's Table Schema with categories spelled out. ``*`` (withheld for disclosure
    control) becomes a missing-value code beside the empty cell, so that each categorical
    column lists the values it can hold; an attribute disclosure control may withhold is then
    no longer required."""
    schema = copy.deepcopy(dict(schema))
    withheld = any(name in allowed for name in ("level", "function"))
    if withheld:
        schema["missingValues"] = ["", WITHHELD]
    for field in schema["fields"]:
        field.setdefault("title", field["name"].replace("_", " ").capitalize())
        if withheld and field["name"] in RELEASED_ATTRIBUTES:
            constraints = field.get("constraints", {})
            constraints.pop("required", None)
            if "enum" in constraints:
                constraints["enum"] = [v for v in constraints["enum"] if v != WITHHELD]
        if field["name"] in allowed:
            field.setdefault("constraints", {})["enum"] = list(allowed[field["name"]])
    return schema


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


def data_package(
    payload: Payload, study: Mapping, version: str, synthetic: bool, schemas: Mapping[str, dict]
) -> dict:
    """``datapackage.json`` for every CSV of the payload: declared schemas for the release and
    the data list, inferred (from every row) for the mandates and results tables."""
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
    return {
        "profile": "tabular-data-package",
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


def citation_cff(study: Mapping, version: str, date: str, synthetic: bool) -> str:
    """CITATION.cff (Citation File Format 1.2.0) for the deposit, citing the article too."""
    document = {
        "cff-version": "1.2.0",
        "message": "If you use these data, please cite them as below, and the article they "
        "support.",
        "type": "dataset",
        "title": deposit_title(study, synthetic),
        "version": version,
        "date-released": date,
        "abstract": study["abstract"],
        "keywords": list(study["keywords"]),
        "license": study["licence"]["id"],
        "authors": [_cff_person(c) for c in study["creators"]],
        "identifiers": [
            {"type": "doi", "value": doi, "description": "The deposit's DOI"}
            if (doi := minted_doi(study["identifier"]))
            else {
                "type": "other",
                "value": study["identifier"],
                "description": "Deposit identifier (placeholder until the archive mints a DOI)",
            }
        ],
        "references": [
            {
                "type": "article",
                "title": study["related_publication"]["citation"],
                "authors": [_cff_person(c) for c in study["creators"]],
                "doi": study["related_publication"]["doi"],
            }
        ],
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def _cff_person(creator: Mapping) -> dict:
    person = {"family-names": creator["family_name"], "given-names": creator["given_name"]}
    if "orcid" in creator:
        person["orcid"] = creator["orcid"]
    if "affiliation" in creator:
        person["affiliation"] = creator["affiliation"]
    return person


def cffconvert_executable(environ: Mapping[str, str]) -> str:
    """cffconvert as :func:`peacekeeping_interviews.tools.find_cffconvert` finds it from the
    project root (the working directory of every rule)."""
    executable = find_cffconvert(environ, Path.cwd())
    if not executable or not Path(executable).is_file():
        raise DepositError("; ".join(missing_tools(environ, Path.cwd())))
    return executable


def validate_citation(folder: Path, environ: Mapping[str, str]) -> None:
    result = subprocess.run(
        [cffconvert_executable(environ), "--validate", "--infile", str(folder / "CITATION.cff")],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise DepositError(f"CITATION.cff does not validate (cffconvert): {result.stderr.strip()}")


def datacite_metadata(study: Mapping, version: str, year: str, synthetic: bool) -> dict:
    """DataCite Metadata Schema 4.5 (JSON): the mandatory properties, rights, funder and the
    article the data support. The identifier is the DOI once minted, else a placeholder saying
    so."""
    doi = minted_doi(study["identifier"])
    identifier = (
        {"doi": doi}
        if doi
        else {
            "alternateIdentifiers": [
                {
                    "alternateIdentifier": study["identifier"],
                    "alternateIdentifierType": "Placeholder until the archive mints a DOI",
                }
            ]
        }
    )
    return {
        **identifier,
        "creators": [
            {
                "name": creator_name(c),
                "nameType": "Personal",
                "givenName": c["given_name"],
                "familyName": c["family_name"],
                **(
                    {
                        "nameIdentifiers": [
                            {
                                "nameIdentifier": c["orcid"],
                                "nameIdentifierScheme": "ORCID",
                                "schemeUri": "https://orcid.org",
                            }
                        ]
                    }
                    if "orcid" in c
                    else {}
                ),
                **({"affiliation": [{"name": c["affiliation"]}]} if "affiliation" in c else {}),
            }
            for c in study["creators"]
        ],
        "titles": [{"title": deposit_title(study, synthetic)}],
        "publisher": {"name": study["publisher"]},
        "publicationYear": year,
        "types": {
            "resourceTypeGeneral": "Dataset",
            "resourceType": "Anonymised interview metadata and coded segments",
        },
        "subjects": [{"subject": k} for k in study["keywords"]],
        "language": "en",
        "version": version,
        "descriptions": [{"description": study["abstract"], "descriptionType": "Abstract"}],
        "rightsList": [
            {
                "rights": study["licence"]["name"],
                "rightsUri": study["licence"]["url"],
                "rightsIdentifier": study["licence"]["id"],
                "rightsIdentifierScheme": "SPDX",
            },
            {"rights": f"{study['publisher']} access tier: {study['access_tier']}"},
        ],
        "fundingReferences": [
            {
                "funderName": study["funder"]["name"],
                "funderIdentifier": study["funder"]["identifier"],
                "funderIdentifierType": "Crossref Funder ID",
                "awardNumber": study["funder"]["grant"],
                "awardTitle": study["funder"]["grant_title"],
            }
        ],
        "relatedIdentifiers": [
            {
                "relatedIdentifier": study["related_publication"]["doi"],
                "relatedIdentifierType": "DOI",
                "relationType": "IsSupplementTo",
            }
        ],
        "schemaVersion": "http://datacite.org/schema/kernel-4",
    }


def validate_datacite(document: Mapping) -> None:
    from datacite import schema45

    errors = sorted(schema45.validator.iter_errors(document), key=lambda e: list(e.path))
    if errors:
        raise DepositError(
            "datacite.json does not validate against DataCite 4.5: "
            + "; ".join(f"{'/'.join(map(str, e.path)) or '(top)'}: {e.message}" for e in errors)
        )


def licence_text(study: Mapping) -> str:
    access = {
        "open": "Open: anyone may download the data under the licence below.",
        "safeguarded": (
            f"Safeguarded: registered users of {study['publisher']} may download the data after "
            "agreeing to its End User Licence, which forbids attempts to identify anyone."
        ),
    }[study["access_tier"]]
    return (
        f"Licence: {study['licence']['name']} ({study['licence']['id']})\n"
        f"{study['licence']['url']}\n\nAccess tier: {access}\n"
    )


# ---------------------------------------------------------------------------- RO-Crate


WORKFLOW_RUN_PROFILES = {
    "https://w3id.org/ro/wfrun/process/0.5": "Process Run Crate",
    "https://w3id.org/ro/wfrun/workflow/0.5": "Workflow Run Crate",
    "https://w3id.org/workflowhub/workflow-ro-crate/1.0": "Workflow RO-Crate",
}


def workflow_run_crate(
    payload: Payload,
    study: Mapping,
    version: str,
    date: str,
    synthetic: bool,
    inputs: list[str],
    outputs: list[str],
    snakemake_version: str,
    commit: str,
) -> dict:
    """``ro-crate-metadata.json``: a Workflow Run Crate (0.5, on RO-Crate 1.1) whose main entity
    is the Snakefile and whose one action is the run that made ``outputs`` from ``inputs``."""
    from rocrate.model.contextentity import ContextEntity
    from rocrate.model.person import Person
    from rocrate.rocrate import ROCrate

    crate = ROCrate(gen_preview=False)
    crate.name = deposit_title(study, synthetic)
    crate.description = study["abstract"]
    crate.license = study["licence"]["url"]
    crate.root_dataset["datePublished"] = date
    crate.root_dataset["version"] = version
    crate.root_dataset["conformsTo"] = [{"@id": uri} for uri in WORKFLOW_RUN_PROFILES]
    for uri, name in WORKFLOW_RUN_PROFILES.items():
        crate.add(
            ContextEntity(
                crate,
                uri,
                properties={
                    "@type": "CreativeWork",
                    "name": name,
                    "version": uri.rsplit("/", 1)[-1],
                },
            )
        )
    authors = [
        crate.add(
            Person(
                crate,
                c.get("orcid", f"#{c['family_name'].replace(' ', '-')}"),
                properties={"name": f"{c['given_name']} {c['family_name']}"},
            )
        )
        for c in study["creators"]
    ]
    crate.root_dataset["author"] = authors
    workflow = crate.add_workflow(
        dest_path="code/Snakefile",
        main=True,
        lang="snakemake",
        lang_version=snakemake_version,
        properties={"name": f"peacekeeping-interviews pipeline at commit {commit}"},
    )
    files = {
        path: crate.add_file(
            dest_path=path,
            properties={"name": Path(path).name, "contentSize": str(len(payload.read(path)))},
        )
        for path in sorted(payload.files)
        if path != "code/Snakefile"
    }
    crate.add_action(
        workflow,
        identifier="#workflow-run",
        object=[files[p] for p in inputs],
        result=[files[p] for p in outputs],
        properties={
            "name": f"Run of the pipeline from the anonymised release, version {version}",
            "endTime": f"{date}T00:00:00+00:00",
            "actionStatus": "http://schema.org/CompletedActionStatus",
            "agent": authors[0],
        },
    )
    return crate.metadata.generate()


def validate_crate(folder: Path) -> None:
    """roc-validator at its REQUIRED level, offline: the JSON-LD context of RO-Crate 1.1 is
    served from the copy the ``rocrate`` package ships, through the validator's own cache."""
    from rocrate_validator import models, services

    with tempfile.TemporaryDirectory(prefix="pki-roc-") as scratch:
        cache = Path(scratch) / "http-cache"
        _seed_context_cache(cache)
        settings = services.ValidationSettings(
            rocrate_uri=str(folder),
            profile_identifier="workflow-run-crate-0.5",
            requirement_severity=models.Severity.REQUIRED,
            offline=True,
            cache_path=cache,
        )
        result = services.validate(settings)
    if not result.passed():
        issues = sorted({f"{i.check.identifier}: {i.message}" for i in result.get_issues()})
        raise DepositError("ro-crate-metadata.json fails roc-validator:\n" + "\n".join(issues))


def _seed_context_cache(cache: Path) -> None:
    import requests
    import urllib3
    from requests_cache import CachedSession

    context = (resources.files("rocrate") / "data" / "ro-crate.jsonld").read_bytes()
    url = json.loads(context)["@id"]
    session = CachedSession(cache_name=str(cache), backend="sqlite", expire_after=-1)
    response = requests.Response()
    response.status_code, response.url, response._content = 200, url, context
    response.headers["Content-Type"] = "application/ld+json"
    response.request = requests.Request("GET", url).prepare()
    response.raw = urllib3.HTTPResponse(
        body=io.BytesIO(context),
        status=200,
        preload_content=False,
        headers={"Content-Type": "application/ld+json"},
    )
    session.cache.save_response(response)
    session.close()


# ---------------------------------------------------------------------------- README


def exhibit_rows(exhibits: list[Exhibit], producers: Mapping[str, str]) -> list[dict]:
    return [
        {
            "document": e.document,
            "name": e.name,
            "label": e.label,
            "caption": e.caption,
            "results": list(e.results),
            "programs": sorted({producers.get(r, "input file") for r in e.results}),
        }
        for e in exhibits
    ]


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
    record = json.loads(run.path("results/paper/render.json").read_text(encoding="utf-8"))
    stamp = Stamp(**record["stamp"])
    synthetic = bool(record["synthetic"])
    date, year = stamp.date, stamp.date[:4]
    payload = Payload()

    for name, project_path in run.release.items():
        payload.add(f"{LAYOUT['release']}/{name}", run.path(project_path))
    deposited_inputs = {
        "mandates": f"{LAYOUT['public']}/mandates.csv",
        "codebook": f"{LAYOUT['public']}/codebook.yaml",
    }
    payload.add(deposited_inputs["mandates"], run.path(run.mandates))
    payload.add(deposited_inputs["codebook"], run.path(run.codebook))
    payload.add(
        f"{LAYOUT['public']}/config.yaml",
        yaml.safe_dump(public_config(config), sort_keys=False, allow_unicode=True),
    )
    for path in run.results:
        payload.add(path, run.path(path))

    interviews = pd.read_csv(
        run.path(run.release["interviews.csv"]), dtype=str, keep_default_na=False
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

    payload.add(f"{LAYOUT['code']}/source-{snapshot.commit[:12]}.tar.gz", snapshot.archive)
    payload.add(f"{LAYOUT['code']}/Snakefile", run.path("Snakefile"))

    payload.add("CITATION.cff", citation_cff(study, version, date, synthetic))
    datacite = datacite_metadata(study, version, year, synthetic)
    validate_datacite(datacite)
    payload.add("datacite.json", json_text(datacite))
    payload.add("LICENCE.txt", licence_text(study))

    allowed = release_field_values(config, run)
    schemas = {
        f"{LAYOUT['release']}/{name}": release_table_schema(
            read_yaml(run.schema_dir / schema), allowed.get(name, {})
        )
        for name, schema in RELEASE_SCHEMAS.items()
        if name in run.release
    }
    schemas[f"{documentation}/data_list.csv"] = list_schema

    exhibits = [
        e
        for source in sorted(run.reports_dir.glob("*.qmd"))
        for e in exhibits_of(source, deposited_inputs)
    ]
    readme = render_template(
        "README.md.j2",
        readme_variables(config, version, snapshot, record, exhibits, producers, payload),
    )
    payload.add("README.md", readme)
    payload.add(
        "README.pdf", markdown_pdf(readme, deposit_title(study, synthetic), stamp, synthetic)
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
        "exhibits": exhibit_rows(exhibits, producers),
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
        "results/leak_scan/report.json": "Leak scan of every public file: counts only",
    }
    if path in fixed:
        return fixed[path]
    if path.startswith(f"{LAYOUT['code']}/source-"):
        return "Source code at the deposited commit (git archive)"
    if path.startswith("results/paper/"):
        return "Rendered paper or appendix, or the record of the render"
    return "Results file"


def _installed(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def _python_version() -> str:
    import platform

    return platform.python_version()


def generator_vocabulary() -> tuple[str, ...]:
    """The invented names and notes the synthetic generator must contain to make the example:
    restricted strings of the example data by construction, and public with the code."""
    from peacekeeping_interviews.synthetic import NOTES, THIRD_PARTIES

    return tuple(name for name, _ in THIRD_PARTIES) + tuple(NOTES)


def build_deposit(
    run: RunFiles,
    config: Mapping,
    version: str,
    name: str,
    bag: Path,
    zips: Path,
    producers: Mapping[str, str],
    confidential: ConfidentialInputs,
    quarantine: Path,
    environ: Mapping[str, str] = os.environ,
) -> dict:
    """The deposit stage: snapshot the code, assemble and check the payload, bag, scan, zip (or,
    on a leak, move the leaking files to ``quarantine``, in restricted space)."""
    snapshot = source_snapshot(
        run.root,
        prefix=f"{name}-source",
        exclude=[config["inputs"]["interviews"], config["inputs"]["coding"], *EXAMPLE_INPUTS],
    )
    assembled = assemble_payload(run, config, version, snapshot, producers, environ)
    request = DepositRequest(
        payload=assembled.payload,
        bag_info=assembled.bag_info,
        bag=bag,
        zips=zips,
        date=assembled.date,
        max_zip_bytes=config["deposit"]["max_zip_bytes"],
        confidential=confidential,
        quarantine=quarantine,
        checks=assembled.checks,
        exempt_in_snapshot=generator_vocabulary() if assembled.synthetic else (),
    )
    return build_bag(request, environ)
