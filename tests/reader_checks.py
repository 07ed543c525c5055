"""Checks of rendered documents as a reader meets them: the HTML in a real headless Chromium
(Debian's ``chromium`` driven by Playwright), the PDF through poppler's ``pdftotext``,
``pdfinfo`` and ``pdfimages``, and every inline value against its results file."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from conftest import missing_tool

from peacekeeping_interviews.reports.report_data import (
    format_month,
    format_number,
    format_p_value,
    lookup,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BANNER_START = "SYNTHETIC EXAMPLE DATA"
FIGURE_SIZES = (
    "[...document.querySelectorAll('figure img')].map(i => [i.naturalWidth, i.naturalHeight])"
)
INLINE_VALUES = (
    "[...document.querySelectorAll('span.pki-value')].map(s => ({text: s.innerText, ...s.dataset}))"
)
UNRESOLVED_CITATIONS = (
    "[...document.querySelectorAll('.citation')].map(c => c.innerText).filter(t => /\\?/.test(t))"
)


def require_tool(path_or_name: str, package: str) -> str:
    found = shutil.which(path_or_name)
    if found is None:
        missing_tool(f"{path_or_name} not found; install Debian's {package} (make system-packages)")
    return found


@dataclass(frozen=True)
class BrowserView:
    banner_visible: bool
    banner_at_top: bool
    stamp: str
    figures: list[tuple[int, int]]
    body_text: str
    values: list[dict]
    unresolved_citations: list[str]


def view_in_chromium(html: Path, screenshot: Path) -> BrowserView:
    """Open ``html`` from disk in headless Chromium and read what a reader would see."""
    require_tool(CHROMIUM, "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(html.resolve().as_uri(), wait_until="load")
            banner = page.locator(".pki-banner")
            visible = banner.count() == 1 and banner.is_visible()
            box = banner.bounding_box() if visible else None
            view = BrowserView(
                banner_visible=visible,
                banner_at_top=bool(box) and box["y"] < 120,
                stamp=page.locator(".pki-stamp").inner_text()
                if page.locator(".pki-stamp").count()
                else "",
                figures=page.evaluate(FIGURE_SIZES),
                body_text=page.inner_text("body"),
                values=page.evaluate(INLINE_VALUES),
                unresolved_citations=page.evaluate(UNRESOLVED_CITATIONS),
            )
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return view


@dataclass(frozen=True)
class PdfView:
    pages: list[str]
    images: int


def read_pdf(pdf: Path) -> PdfView:
    """Each page's text (``pdftotext``) and the number of embedded raster images."""
    require_tool("pdftotext", "poppler-utils")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, flags=re.M).group(1))
    pages = [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    )
    images = sum(1 for line in listing.stdout.splitlines()[2:] if " image " in line)
    return PdfView(pages, images)


def value_mismatches(values: list[dict], root: Path) -> list[str]:
    """Each inline value redone from its results file; the ones whose printed text differs."""
    problems = []
    for value in values:
        stored = lookup(
            json.loads((root / value["source"]).read_text()), value["key"], value["source"]
        )
        kind = value["kind"]
        if kind == "number":
            expected = format_number(stored, int(value["digits"]), float(value["scale"]))
            shown = float(value["text"].replace(",", ""))
            tolerance = 0.5 * 10 ** -int(value["digits"]) + 1e-12
            if not math.isclose(shown, stored * float(value["scale"]), abs_tol=tolerance):
                problems.append(
                    f"{value['source']}#{value['key']}: shown {value['text']}, stored {stored}"
                )
                continue
        elif kind == "p_value":
            expected = format_p_value(stored, int(value["digits"]))
        elif kind == "month":
            expected = format_month(stored)
        else:
            expected = str(stored)
        if value["text"] != expected:
            problems.append(
                f"{value['source']}#{value['key']}: shown {value['text']!r}, expected {expected!r}"
            )
    return problems
