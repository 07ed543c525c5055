"""The render stage: the paper and appendix from their Quarto sources, with Quarto or without.

One interface (:mod:`render_engine`), two engines: :mod:`quarto_engine`, the reference whenever
``quarto`` is on PATH, and :mod:`fallback_engine`, which renders the same ``.qmd`` from PyPI parts
where Quarto cannot be installed. Both engines get the same render context (:mod:`report_data`),
the same stamp, the same title, authors and abstract (from the study record, never from a source)
and the same synthetic-data banner, which follows the ``synthetic`` flag in the inputs and has no
off switch.
:func:`render_reports` writes every document, ``render.json`` and the exhibit map (each table
and figure with the results files and rules behind it, :mod:`exhibits`) or, on any failure,
nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from importlib.metadata import version as installed_version
from pathlib import Path

import pandas as pd
import yaml

from peacekeeping_interviews.deposit_layout import fingerprint, input_digests
from peacekeeping_interviews.files import file_digest, json_text, write_all_or_nothing
from peacekeeping_interviews.provenance import source_label
from peacekeeping_interviews.reports.exhibits import exhibit_map_text, exhibits_of
from peacekeeping_interviews.reports.fallback_engine import FallbackEngine
from peacekeeping_interviews.reports.qmd import front_matter
from peacekeeping_interviews.reports.quarto_engine import QuartoEngine
from peacekeeping_interviews.reports.render_engine import Engine, RenderError, Styling
from peacekeeping_interviews.reports.stamp import (
    Stamp,
    banner_html,
    banner_typst,
    midnight_epoch,
    notice_typst,
    render_date,
)

SYNTHETIC_TITLE_SUFFIX = " [synthetic example data]"
# Front matter every document takes from the study record rather than from its source.
STUDY_METADATA = ("title", "author", "abstract", "keywords")
ANALYSIS_SOFTWARE = (
    "snakemake",
    "pandas",
    "numpy",
    "scipy",
    "pingouin",
    "statsmodels",
    "scikit-learn",
    "krippendorff",
    "pycanon",
    "matplotlib",
)


@dataclass(frozen=True)
class Document:
    source: Path
    html: Path
    pdf: Path


@dataclass(frozen=True)
class RenderRequest:
    """``declared`` are the render rule's inputs relative to ``root``; the documents may read
    these and nothing else. ``deposited`` names the declared inputs a deposit holds, by their path
    in its payload (:func:`deposit_layout.deposited_inputs`); they make the stamp's data
    fingerprint. ``study`` is the declared study record
    (:mod:`peacekeeping_interviews.reports.study`) whose title, authors and abstract every document
    carries. ``named`` gives some inputs a role the sources ask for by name
    (``data.named("codebook")``). ``exhibits`` is where the exhibit map goes, ``producers`` the
    rule behind each results file it names."""

    root: Path
    reports_dir: Path
    documents: list[Document]
    declared: list[str]
    version: str
    record: Path
    study: str
    exhibits: Path
    engine: str = "auto"
    named: dict[str, str] = field(default_factory=dict)
    deposited: dict[str, str] = field(default_factory=dict)
    producers: dict[str, str] = field(default_factory=dict)


def synthetic_flag(root: Path, declared: list[str]) -> bool:
    """Whether any input is synthetic: top-level ``synthetic`` in JSON files (a JSON boolean) and
    the ``synthetic`` column of CSV files (``true`` or ``false``). At least one input must carry
    the flag, and any other spelling is an error rather than a silent "no". Inputs may differ:
    the synthetic example's interviews beside a published mandates file make a synthetic
    document (the start-up check refuses the reverse, real interviews with invented mandates)."""
    flags: dict[str, set[bool]] = {}
    for relative in declared:
        path = root / relative
        if path.suffix == ".json":
            document = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(document, dict) and "synthetic" in document:
                if not isinstance(document["synthetic"], bool):
                    raise RenderError(
                        f"{relative}: 'synthetic' is {document['synthetic']!r}; "
                        "expected true or false"
                    )
                flags[relative] = {document["synthetic"]}
        elif path.suffix == ".csv" and "synthetic" in pd.read_csv(path, nrows=0).columns:
            values = pd.read_csv(path, usecols=["synthetic"], dtype=str, keep_default_na=False)
            for row, value in enumerate(values["synthetic"], start=1):
                if value not in {"true", "false"}:
                    raise RenderError(
                        f"{relative}: row {row}, column 'synthetic': got {value!r}; "
                        "expected true or false"
                    )
            flags[relative] = set(values["synthetic"] == "true")
    seen = set().union(*flags.values()) if flags else set()
    if not seen:
        raise RenderError("no declared input carries the 'synthetic' flag; cannot label the data")
    return True in seen


def recorded_inputs(declared: list[str], deposited: Mapping[str, str], root: Path) -> dict:
    """Each declared input's SHA-256, by the name a deposit gives it: a deposited input by its
    path in the payload (:mod:`deposit_layout`), a results file by its project path. The names
    are the same in the authors' run and a rerun from the deposit, so ``make verify`` can say
    which input differs from those the documents were rendered from; no location leaks."""
    names = {project: payload for payload, project in deposited.items()}
    unnamed = sorted(p for p in declared if p not in names and not p.startswith("results/"))
    if unnamed:
        raise RenderError(
            "declared inputs that are neither results nor deposited inputs: " + ", ".join(unnamed)
        )
    return {names.get(p, p): file_digest(root / p) for p in sorted(declared)}


def software_versions(engine: Engine) -> dict[str, str]:
    """The rendering engine's parts and the analysis packages, as the appendix reports them."""
    return {
        "python": platform.python_version(),
        **{name: installed_version(name) for name in ANALYSIS_SOFTWARE},
        **engine.versions(),
    }


def choose_engine(preference: str = "auto") -> Engine:
    """Quarto when it is on PATH (or asked for), the fallback otherwise (or when asked for)."""
    quarto = shutil.which("quarto")
    if preference == "fallback" or (preference == "auto" and quarto is None):
        return FallbackEngine()
    if quarto is None:
        raise RenderError("engine 'quarto' was asked for but quarto is not on PATH")
    return QuartoEngine(quarto)


def engine_choice(preference: str, engine: Engine) -> str:
    """Why this engine rendered, for ``render.json`` and the build log (not for the pages)."""
    if preference != "auto":
        return f"the {engine.name} engine, as asked for"
    if engine.name == "fallback":
        return "the fallback renderer: Quarto, the reference renderer, was not on PATH"
    return "Quarto, found on PATH"


# ---------------------------------------------------------------------------- the interface


def study_metadata(study: Mapping, synthetic: bool) -> dict:
    """Every document's title and abstract (the paper's), authors and keywords, from the study
    record; the title says so when the data are synthetic."""
    return {
        "title": study["paper"]["title"] + (SYNTHETIC_TITLE_SUFFIX if synthetic else ""),
        "author": list(study["authors"]),
        "abstract": study["paper"]["abstract"],
        "keywords": list(study["keywords"]),
    }


def refuse_own_study_metadata(metadata: Mapping, source: Path, study: str) -> None:
    """A source that sets its own title, authors or abstract would contradict the study's."""
    own = [key for key in STUDY_METADATA if key in metadata]
    if own:
        raise RenderError(
            f"{source}: front matter sets {own}, which every document takes from the study "
            f"record ({study}, from config.yaml's study section); remove them from the source"
        )


def quarto_project(reports_dir: Path) -> dict:
    """``_quarto.yml``; the fallback honours ``format.typst.papersize`` and needs code hidden."""
    path = reports_dir / "_quarto.yml"
    project = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if (project.get("execute") or {}).get("echo", False) is not False:
        raise RenderError(f"{path}: execute.echo must be false (the documents never show code)")
    return project


def render_reports(request: RenderRequest, environment: Mapping[str, str] | None = None) -> dict:
    """Render every document to HTML and PDF and write them with ``render.json``, or nothing."""
    environment = os.environ if environment is None else environment
    if installed_version("peacekeeping-interviews") != request.version:
        raise RenderError(
            f"pyproject.toml says version {request.version} but the installed package is "
            f"{installed_version('peacekeeping-interviews')}; reinstall (make venv)"
        )
    undeclared = sorted(
        {*request.named.values(), *request.deposited.values(), request.study}
        - set(request.declared)
    )
    if undeclared:
        raise RenderError("named inputs that are not declared: " + ", ".join(undeclared))
    missing = [r for r in request.declared if not (request.root / r).is_file()]
    if missing:
        raise RenderError("declared inputs missing: " + ", ".join(missing))
    engine = choose_engine(request.engine)
    choice = engine_choice(request.engine, engine)
    print(f"Rendering with {choice}")
    synthetic = synthetic_flag(request.root, request.declared)
    date = render_date(request.root, environment)
    stamp = Stamp(
        version=request.version,
        commit=source_label(request.root, environment),
        data_fingerprint=fingerprint(input_digests(request.root, request.deposited)),
        engine=engine.label(),
        date=date.isoformat(),
    )
    project = quarto_project(request.reports_dir)
    papersize = ((project.get("format") or {}).get("typst") or {}).get("papersize", "a4")
    epoch = midnight_epoch(date)
    metadata = study_metadata(
        json.loads((request.root / request.study).read_text(encoding="utf-8")), synthetic
    )
    written: dict[Path, bytes | str] = {}
    documents = {}
    with tempfile.TemporaryDirectory(prefix="pki-render-") as scratch:
        build = Path(scratch) / "reports"
        shutil.copytree(request.reports_dir, build)
        context = Path(scratch) / "context.json"
        context.write_text(
            json_text(
                {
                    "root": str(request.root.resolve()),
                    "declared": sorted(request.declared),
                    "synthetic": synthetic,
                    "named": request.named,
                    "stamp": asdict(stamp),
                    "software": software_versions(engine),
                }
            ),
            encoding="utf-8",
        )
        for document in request.documents:
            source = build / document.source.name
            refuse_own_study_metadata(
                front_matter(source.read_text(encoding="utf-8"), document.source)[0],
                document.source,
                request.study,
            )
            styling = Styling(
                metadata=metadata,
                before_body_html=banner_html(stamp, synthetic),
                typst_header=banner_typst(stamp, synthetic),
                typst_before_body=notice_typst(synthetic),
                context_file=context,
                papersize=papersize,
                timestamp=epoch,
            )
            try:
                rendered = engine.render(source, build, styling)
            except RenderError as error:
                raise RenderError(
                    str(error).replace(str(build), str(request.reports_dir))
                ) from None
            written[document.html] = rendered.html
            written[document.pdf] = rendered.pdf
            documents[document.source.stem] = {
                "source": document.source.resolve().relative_to(request.root.resolve()).as_posix(),
                "html": document.html.name,
                "pdf": document.pdf.name,
                "html_sha256": hashlib.sha256(rendered.html).hexdigest(),
                "pdf_sha256": hashlib.sha256(rendered.pdf).hexdigest(),
            }
    record = {
        "engine": engine.name,
        "engine_label": engine.label(),
        "engine_choice": choice,
        "software": software_versions(engine),
        "stamp": asdict(stamp),
        "synthetic": synthetic,
        "inputs": recorded_inputs(request.declared, request.deposited, request.root),
        "documents": documents,
    }
    written[request.record] = json_text(record)
    exhibits = [
        exhibit
        for document in request.documents
        for exhibit in exhibits_of(request.root / document.source, request.named)
    ]
    written[request.exhibits] = exhibit_map_text(exhibits, request.producers, request.deposited)
    write_all_or_nothing(written)
    return record
