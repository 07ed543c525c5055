"""The deposit's Workflow Run RO-Crate (``rocrate``), checked offline by ``roc-validator``:
the RO-Crate JSON-LD context the validator fetches is served from the copy the ``rocrate``
package ships, through the validator's own HTTP cache."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from peacekeeping_interviews.archive.bagging import DepositError, Payload
from peacekeeping_interviews.archive.citation import deposit_title

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
    """Put the ``rocrate`` package's copy of the RO-Crate context into the validator's HTTP
    cache (requests-cache, SQLite), under the URL the validator fetches."""
    import requests
    from requests.structures import CaseInsensitiveDict
    from requests_cache import CachedResponse, CachedSession
    from requests_cache.models import CachedRequest

    context = (resources.files("rocrate") / "data" / "ro-crate.jsonld").read_bytes()
    url = json.loads(context)["@id"]
    session = CachedSession(cache_name=str(cache), backend="sqlite", expire_after=-1)
    session.cache.save_response(
        CachedResponse(
            content=context,
            url=url,
            status_code=200,
            headers=CaseInsensitiveDict({"Content-Type": "application/ld+json"}),
            request=CachedRequest.from_request(requests.Request("GET", url).prepare()),
        )
    )
    session.close()
