"""The example's paper, appendix and deposit README as a reader and an archive meet them: PDFs
that poppler, qpdf and pikepdf accept as PDF/A-2a and PDF/UA-1 with the study's metadata and
every figure's alternative text; tables set as a journal sets them (headers apart and whole,
one number format per column, figures on the page of their caption); an HTML edition whose
tables stay inside the page at desktop and phone widths, with a table of contents, numbered
sections, linked references, keyboard focus never hidden under the banner and no violation of
axe-core's WCAG 2.2 AA and best-practice rules in Chromium.
Page images and screenshots go to tests/artefacts/ for a person to look at."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pikepdf
import pytest
import yaml
from lxml import etree, html
from reader_checks import CHROMIUM, CHROMIUM_FLAGS, require_tool

from peacekeeping_interviews import __version__
from peacekeeping_interviews.reports.qmd import front_matter, read_cells
from peacekeeping_interviews.reports.stamp import SYNTHETIC_BANNER

pytestmark = pytest.mark.end_to_end

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "tests" / "artefacts"
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
PAPER_TABLES = ("tbl-factors", "tbl-tests")  # Tables 3 and 4 of the example paper
NUMBER = re.compile(r"^(?:<[ \u00a0]?)?[-\u2212]?[\d,]+(?:\.(\d+))?%?$")
WIDTHS = (1280, 390)
# The example's tables have one-line rows: at this many rows or fewer they take well under the
# share of a page (typst_pdf.WHOLE_TABLE_SHARE) below which a table is kept whole.
SHORT_TABLE_ROWS = 20


def documents(run: Path) -> dict[str, Path]:
    deposit = next((run / "results" / "deposit").glob("*-v*/data"))
    return {
        "paper": next((run / "results" / "paper").glob("paper-v*.pdf")),
        "appendix": next((run / "results" / "paper").glob("appendix-v*.pdf")),
        "README": deposit / "README.pdf",
    }


def fig_alts(source: Path) -> set[str]:
    _, body = front_matter(source.read_text(encoding="utf-8"), source)
    return {str(c.options["fig-alt"]) for c in read_cells(body, source) if "fig-alt" in c.options}


def struct_alts(node: pikepdf.Object, found: list[str]) -> list[str]:
    """The /Alt of every /Figure element of the structure tree."""
    if isinstance(node, pikepdf.Dictionary):
        if node.get("/S") == "/Figure":
            found.append(str(node.get("/Alt", "")))
        kids = node.get("/K")
        if kids is not None:
            struct_alts(kids, found)
    elif isinstance(node, pikepdf.Array):
        for kid in node:
            struct_alts(kid, found)
    return found


@pytest.mark.parametrize("name", ["paper", "appendix", "README"])
def test_every_pdf_is_archival_accessible_and_describes_itself(example_run, name):
    require_tool("qpdf", "qpdf")
    pdf = documents(example_run)[name]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert info.stderr == ""  # poppler printed "Syntax Error: Suspects object ..." on each PDF
    check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    study = yaml.safe_load((example_run / "config" / "config.yaml").read_text())["study"]
    authors = [f"{c['given_name']} {c['family_name']}" for c in study["creators"]]
    with pikepdf.open(pdf) as document:
        meta = document.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"], meta["pdfuaid:part"]) == (
            "2",
            "A",
            "1",
        )
        described = study if name == "README" else study["paper"]  # the data's, the paper's
        assert meta["dc:title"].startswith(described["title"])
        assert ", ".join(meta["dc:creator"]) == ", ".join(authors)
        assert meta["pdf:Keywords"] == ", ".join(study["keywords"])
        assert meta["dc:description"] == " ".join(described["abstract"].split())
        assert str(document.Root.Lang).startswith("en")
        assert "/Suspects" not in document.Root.MarkInfo
        alts = struct_alts(document.Root.StructTreeRoot, [])
    source = ROOT / "reports" / f"{name}.qmd"
    expected = fig_alts(source) if source.is_file() else set()
    assert set(alts) == expected and "" not in alts


def test_each_pdf_has_a_document_identifier_of_its_own(example_run):
    """An archive tells files apart by their /ID as well as their name: the paper, its appendix
    and the deposit's README are three documents."""
    identifiers = {}
    for name, pdf in documents(example_run).items():
        with pikepdf.open(pdf) as document:
            identifiers[name] = bytes(document.trailer.ID[0])
    assert len(set(identifiers.values())) == len(identifiers), identifiers


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


def page_words(pdf: Path) -> list[list[Word]]:
    """Each page's words with their boxes (``pdftotext -bbox``)."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True
    ).stdout
    tree = etree.fromstring(xhtml, etree.XMLParser(recover=True))
    pages = []
    for page in tree.iter("{*}page"):
        pages.append(
            [
                Word(w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
                for w in page.iter("{*}word")
            ]
        )
    return pages


def html_table(document: Path, label: str) -> tuple[list[str], list[list[str]]]:
    """The header cells and body rows of a table of the rendered HTML, as text."""
    tree = html.parse(str(document))
    (table,) = tree.xpath(f"//table[@id='{label}'] | //*[@id='{label}']//table")
    header = [" ".join(th.text_content().split()) for th in table.xpath(".//thead//th")]
    rows = [
        [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
        for tr in table.xpath(".//tbody/tr")
    ]
    return header, rows


def caption_page(pages: list[list[Word]], caption: str) -> tuple[int, Word]:
    """The page and the first word of the caption that starts ``caption`` ("Table 3:")."""
    first, second = caption.split()
    for number, words in enumerate(pages):
        for a, b in pairwise(words):
            if a.text == first and b.text == second and abs(a.y0 - b.y0) < 1:
                return number, a
    raise AssertionError(f"no caption {caption!r} in the PDF")


def line_starting(words: list[Word], text: str, below: float) -> float | None:
    """The top of the first line below ``below`` that begins with the first two words of
    ``text`` (a table's first cell; its first word alone may also stand in a header, and a long
    cell wraps after a few words)."""
    wanted = text.split()[:2]
    lines: dict[float, list[Word]] = {}
    for word in words:
        if word.y0 > below:
            lines.setdefault(round(word.y0, 1), []).append(word)
    for top in sorted(lines):
        line = [w.text for w in sorted(lines[top], key=lambda w: w.x0)]
        if wanted and line[: len(wanted)] == wanted:
            return top
    return None


def header_boxes(band: list[Word], header: list[str]) -> list[tuple[float, float]]:
    """Each header cell's horizontal extent: its words found among the header band's words,
    leftmost first. A header the PDF hyphenated ("Inter-" "views") is not found."""
    unused = sorted(band, key=lambda w: (w.x0, w.y0))
    boxes = []
    for cell in header:
        found = []
        for part in cell.split():
            match = next((w for w in unused if w.text == part), None)
            assert match is not None, f"header {cell!r}: no word {part!r} (hyphenated or cut)"
            unused.remove(match)
            found.append(match)
        boxes.append((min(w.x0 for w in found), max(w.x1 for w in found)))
    return boxes


def html_tables(document: Path) -> list[str]:
    """The labels of the document's tables, in order (their number is their place)."""
    return html.parse(str(document)).xpath("//*[starts-with(@id, 'tbl-')][.//table]/@id")


@dataclass(frozen=True)
class TablePart:
    """The part of a table on one page: the header band's words and the body's top and bottom."""

    page: int
    band: list[Word]
    top: float
    bottom: float


def footer_top(words: list[Word]) -> float:
    """The top of the page's footer (the stamp, "Version …"), or below the page's last word."""
    stamp = [w.y0 for w in words if w.text == "Version"]
    return max(stamp) if stamp else max(w.y1 for w in words) + 1


def table_parts(pages: list[list[Word]], number: int, header: list[str], rows: list[list[str]]):
    """Each page's part of Table ``number``: from its caption to its last row, through the
    pages it runs on to, where its header is repeated."""
    page, caption = caption_page(pages, f"Table {number}:")
    words = pages[page]
    top = line_starting(words, rows[0][0], below=caption.y1)
    assert top is not None, f"Table {number}: first row not on the page of its caption"
    band = [w for w in words if caption.y1 < w.y0 and w.y1 <= top + 0.5]
    band_height = top - min(w.y0 for w in band)
    while True:
        last = line_starting(words, rows[-1][0], below=top - 0.5)
        if last is not None:
            yield TablePart(page, band, top, max(w.y1 for w in words if abs(w.y0 - last) < 1))
            return
        yield TablePart(page, band, top, footer_top(words))
        page += 1
        assert page < len(pages), f"Table {number}: its last row is on no page"
        words = pages[page]
        header_line = line_starting(words, header[0], below=0)
        assert header_line is not None, f"Table {number}: header not repeated on page {page + 1}"
        top = header_line + band_height
        band = [w for w in words if header_line - 0.5 <= w.y0 and w.y1 <= top + 0.5]


@pytest.mark.parametrize("name", ["paper", "appendix"])
def test_tables_have_headers_apart_and_one_number_format_per_column(example_run, name):
    """Every table on every page it spans: each header cell whole (not hyphenated) and apart
    from the next, and the numbers under each header with one number of decimals; a short
    table on one page."""
    pdf = documents(example_run)[name]
    page_html = next((example_run / "results" / "paper").glob(f"{name}-v*.html"))
    pages = page_words(pdf)
    uneven, collisions, spanning, split_short = {}, [], 0, []
    for number, label in enumerate(html_tables(page_html), start=1):
        header, rows = html_table(page_html, label)
        if not rows or not rows[0] or not rows[0][0]:
            continue  # an empty table (or one without a first column) has no body to check
        decimals: dict[int, set[int]] = {}
        parts = list(table_parts(pages, number, header, rows))
        spanning += len(parts) > 1
        if len(parts) > 1 and len(rows) <= SHORT_TABLE_ROWS:
            split_short.append(f"Table {number} ({len(rows)} rows)")
        for part in parts:
            boxes = header_boxes(part.band, header)
            collisions += [
                f"Table {number}, page {part.page + 1}: {cell!r}"
                for ((_, right), (next_left, _)), cell in zip(pairwise(boxes), header, strict=False)
                if right + 2 > next_left
            ]
            for word in pages[part.page]:
                found = NUMBER.match(word.text)
                if found and part.top - 0.5 <= word.y0 and word.y1 <= part.bottom + 0.5:
                    column = max(
                        range(len(boxes)), key=lambda i: overlap(boxes[i], (word.x0, word.x1))
                    )
                    decimals.setdefault(column, set()).add(len(found.group(1) or ""))
        uneven |= {
            f"Table {number}, {header[c]!r}": sorted(d) for c, d in decimals.items() if len(d) > 1
        }
        if label in PAPER_TABLES and name == "paper":
            write_page_image(pdf, parts[0].page + 1, f"paper-{label}")
    assert collisions == [] and uneven == {} and split_short == []
    if name == "appendix":  # the example's long tables run on overleaf: their pages are checked
        assert spanning > 0


def overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return min(a[1], b[1]) - max(a[0], b[0])


def write_page_image(pdf: Path, page: int, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", str(page), "-l", str(page),
         str(pdf), str(ARTEFACTS / name)],
        check=True,
    )  # fmt: skip


@pytest.mark.parametrize("name", ["paper", "appendix"])
def test_every_figure_is_on_the_page_of_its_caption(example_run, name):
    """A page holds at least as many figure images as figure captions, so no caption stands on
    a page without its figure."""
    pdf = documents(example_run)[name]
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    images: dict[int, int] = {}
    for line in listing:
        fields = line.split()
        if fields[2] == "image":
            images[int(fields[0])] = images.get(int(fields[0]), 0) + 1
    pages = page_words(pdf)
    captions = {
        number + 1: sum(
            a.text == "Figure" and re.fullmatch(r"\d+:", b.text) is not None
            for a, b in pairwise(words)
        )
        for number, words in enumerate(pages)
    }
    assert sum(captions.values()) > 0
    short = {
        page: (n, images.get(page, 0)) for page, n in captions.items() if n > images.get(page, 0)
    }
    assert short == {}, "pages with more figure captions than figures (captions, figures)"
    if name == "paper":
        page, _ = caption_page(pages, "Figure 2:")
        write_page_image(pdf, page + 1, "paper-figure-2")


def pdf_pages_text(pdf: Path) -> list[str]:
    """Each page's text, words joined by single spaces."""
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    return [" ".join(page.split()) for page in pages if page.strip()]


def test_the_footer_says_what_a_reader_needs_and_no_more(example_run):
    for flat in pdf_pages_text(documents(example_run)["paper"]):
        assert f"Version {__version__}, commit " in flat and "data fingerprint" in flat
        assert "rendered on " in flat and "not on PATH" not in flat


# Each table's box: inside the page, with a cue when it scrolls, and its caption in view (within
# the page's width) when the box is scrolled to its far end.
TABLE_LAYOUT = """() => {
  const rows = [...document.querySelectorAll('table')].map(t => {
    const box = t.closest('.table-scroll') || t;
    const style = getComputedStyle(box);
    const float = box.closest('[id^="tbl-"]');
    const caption = float && float.querySelector('.table-caption, caption');
    box.scrollLeft = box.scrollWidth;
    const shown = caption ? caption.getBoundingClientRect() : null;
    const right = box.parentElement.getBoundingClientRect().right;
    const row = {
      label: float ? float.id : '',
      inside: box.getBoundingClientRect().right <= right + 1,
      scrolls: box.scrollWidth > box.clientWidth + 1,
      cue: /gradient/.test(style.backgroundImage) && /auto|scroll/.test(style.overflowX),
      caption: shown ? shown.left >= 0 && shown.right <= innerWidth : null,
    };
    box.scrollLeft = 0;
    return row;
  });
  return {page: document.documentElement.scrollWidth, rows};
}"""
READER_AIDS = """() => ({
  toc: [...document.querySelectorAll('nav#TOC a')].map(a => a.getAttribute('href')),
  sections: [...document.querySelectorAll('section[id]:not(.unnumbered) > :is(h1, h2)')].length,
  numbered: document.querySelectorAll('.header-section-number').length,
  citations: document.querySelectorAll('.citation a[href^="#ref-"]').length,
  crossrefs: [...document.querySelectorAll('a.crossref')].map(a => a.getAttribute('href')),
  alts: [...document.querySelectorAll('figure img')].map(i => i.getAttribute('alt')),
  banner: !!document.querySelector('.pki-banner'),
  references: [...document.querySelectorAll('#refs .csl-entry')].map(e => e.innerText.trim()),
  notes: Object.fromEntries([...document.querySelectorAll('[id^="tbl-"]')].map(t => {
    let block = t;
    while (block.parentElement && block.parentElement.tagName !== 'SECTION') {
      block = block.parentElement;
    }
    const next = block.nextElementSibling;
    return [t.id, next ? next.innerText : ''];
  })),
})"""
# Where a followed cross-reference lands: its target's top against the sticky banner's bottom.
LANDING = """() => {
  const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  return {target: target.getBoundingClientRect().top,
          banner: document.querySelector('.pki-top').getBoundingClientRect().bottom};
}"""
# axe-core's WCAG 2.0-2.2 A and AA rules and its best practices (target size of links,
# landmarks): any violation, whatever its impact.
VIOLATIONS = """async () => (await axe.run(document, {
    resultTypes: ['violations'],
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',
                                    'best-practice']},
  }))
  .violations.map(v => `${v.id} (${v.impact}): ${v.nodes.length}, e.g. ${v.nodes[0].target}`)"""
# Cells of one word (a pseudonym, a number, "< 0.001", "Chi-square") that a browser broke over
# two lines: their text's line boxes start at more than one height.
BROKEN_WORDS = """() => [...document.querySelectorAll('td, th')]
  .filter(cell => cell.innerText.trim() && !/\\s/.test(cell.innerText.trim()))
  .filter(cell => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
  })
  .map(cell => cell.innerText.trim())"""
# Walking back through every link and focusable box (Shift+Tab), the elements that end up wholly
# under the banner and stamp, where a keyboard user cannot see the focus (WCAG 2.4.11).
FOCUS_UNDER_BANNER = """() => {
  const focused = document.activeElement;
  const box = focused.getBoundingClientRect();
  return box.bottom <= document.querySelector('.pki-top').getBoundingClientRect().bottom + 1
    ? (focused.innerText || focused.tagName).slice(0, 30) : null;
}"""


def hidden_focus(page) -> list[str]:
    stops = page.evaluate("document.querySelectorAll('a[href], [tabindex]').length")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.keyboard.press("End")
    for _ in range(stops + 2):
        page.keyboard.press("Tab")
    hidden = []
    for _ in range(stops):
        page.keyboard.press("Shift+Tab")
        hidden.append(page.evaluate(FOCUS_UNDER_BANNER))
    return [text for text in hidden if text]


@pytest.mark.parametrize("name", ["paper", "appendix"])
def test_the_html_edition_reads_well_at_desktop_and_phone_widths(example_run, name):
    require_tool(CHROMIUM, "chromium")
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run make system-packages (npm ci in tests/browser)")
    from playwright.sync_api import sync_playwright

    document = next((example_run / "results" / "paper").glob(f"{name}-v*.html"))
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    violations: dict[int, list[str]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(document.resolve().as_uri(), wait_until="load")
                layout = page.evaluate(TABLE_LAYOUT)
                assert layout["page"] <= width, f"the page scrolls sideways at {width} px"
                assert [r["label"] for r in layout["rows"] if not r["inside"]] == []
                assert [r["label"] for r in layout["rows"] if r["scrolls"] and not r["cue"]] == []
                assert [r["label"] for r in layout["rows"] if r["caption"] is not True] == []
                if name == "paper" and width == WIDTHS[0]:
                    scrolling = [r["label"] for r in layout["rows"] if r["scrolls"]]
                    assert not set(PAPER_TABLES) & set(scrolling)
                page.screenshot(path=str(ARTEFACTS / f"{name}-{width}px.png"), full_page=True)
                if width == WIDTHS[0]:
                    page.pdf(path=str(ARTEFACTS / f"{name}-printed.pdf"), format="A4")
                aids = page.evaluate(READER_AIDS)
                page.locator("a.crossref").first.click()
                landing = page.evaluate(LANDING)
                assert landing["target"] >= landing["banner"] - 1, f"{landing} at {width} px"
                page.add_script_tag(path=str(AXE))
                violations[width] = page.evaluate(VIOLATIONS)
                assert page.evaluate(BROKEN_WORDS) == [], f"one-word cells broken at {width} px"
                assert hidden_focus(page) == [], f"focus hidden under the banner at {width} px"
                page.close()
        finally:
            browser.close()
    assert aids["banner"] and aids["sections"] >= 3
    assert len(aids["toc"]) >= aids["sections"] and all(h.startswith("#") for h in aids["toc"])
    assert aids["numbered"] >= aids["sections"]
    if name == "paper":
        assert aids["citations"] > 0 and aids["references"]
    assert [
        r for r in aids["references"] if not r.endswith(".") or re.search(r"\bedn [A-Z]", r)
    ] == []
    assert aids["crossrefs"] and all(h.startswith(("#fig-", "#tbl-")) for h in aids["crossrefs"])
    assert set(aids["alts"]) == fig_alts(ROOT / "reports" / f"{name}.qmd")
    if name == "paper":  # a journal's table note: n and the test used
        for label in PAPER_TABLES:
            assert re.match(r"Note\. .*\bn\b", aids["notes"][label]), aids["notes"][label]
        assert "chi-square" in aids["notes"]["tbl-tests"]
    assert violations == {width: [] for width in WIDTHS}
    printed = pdf_pages_text(ARTEFACTS / f"{name}-printed.pdf")
    assert len(printed) > 1
    assert [n for n, text in enumerate(printed, 1) if SYNTHETIC_BANNER not in text] == []
    assert [n for n, text in enumerate(printed, 1) if "data fingerprint" not in text] == []
