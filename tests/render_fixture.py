"""The tiny render fixture (tests/fixtures/render: one .qmd, its results and data) and the render
request for it, shared by the renderer's tests and the leak scan's tests of rendered files."""

import shutil
from pathlib import Path

from conftest import ROOT

from peacekeeping_interviews import __version__
from peacekeeping_interviews.reports.rendering import Document, RenderRequest

FIXTURE = ROOT / "tests" / "fixtures" / "render"
EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}


def fixture_copy(destination: Path) -> Path:
    shutil.copytree(FIXTURE, destination)
    return destination


def request_for(root: Path, out: Path, engine: str = "fallback") -> RenderRequest:
    declared = sorted(
        str(p.relative_to(root))
        for folder in ("results", "data")
        for p in (root / folder).rglob("*")
        if p.is_file()
    )
    return RenderRequest(
        root=root,
        reports_dir=root / "reports",
        documents=[Document(root / "reports/mini.qmd", out / "mini.html", out / "mini.pdf")],
        declared=declared,
        version=__version__,
        record=out / "render.json",
        exhibits=out / "exhibits.json",
        study="results/demo/study.json",
        engine=engine,
        deposited={f"release/{Path(p).name}": p for p in declared if p.startswith("data/")},
    )
