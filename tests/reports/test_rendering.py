"""The renderer on a tiny fixture report: both outputs, stamp, banner, determinism, engines, and
bad input that fails with the source, the cell and the cause, leaving nothing behind."""

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from reader_checks import BANNER_START, read_pdf, value_mismatches, view_in_chromium
from render_fixture import EPOCH, fixture_copy, request_for

from peacekeeping_interviews import __version__
from peacekeeping_interviews.provenance import git_commit
from peacekeeping_interviews.reports.exhibits import exhibits_of, read_exhibit_map
from peacekeeping_interviews.reports.render_engine import RenderError
from peacekeeping_interviews.reports.rendering import (
    choose_engine,
    engine_choice,
    render_reports,
    synthetic_flag,
)
from peacekeeping_interviews.reports.stamp import render_date


def test_the_stamp_fingerprints_the_deposited_inputs_under_their_deposit_names(rendered):
    """Recomputed by hand, as a reviewer would from the bag's manifest with coreutils: the
    SHA-256 of the inputs' manifest lines, sorted by path, cut to 20 hex digits."""
    root, record = rendered["root"], rendered["record"]
    data = sorted(p for p in (root / "data").rglob("*") if p.is_file())
    lines = sorted(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  data/release/{p.name}\n" for p in data
    )
    expected = hashlib.sha256("".join(lines).encode()).hexdigest()[:20]
    assert record["stamp"]["data_fingerprint"] == expected
    assert f"data fingerprint {expected}" in (rendered["out"] / "mini.html").read_text()
    names = set(record["inputs"])
    assert {f"release/{p.name}" for p in data} <= names
    assert not any(name.startswith("data/") for name in names)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict:
    root = fixture_copy(tmp_path_factory.mktemp("render") / "project")
    out = root / "out"
    record = render_reports(request_for(root, out), EPOCH)
    return {"root": root, "out": out, "record": record}


def test_the_render_writes_the_exhibit_map_of_its_documents(rendered):
    exhibits = read_exhibit_map(rendered["out"] / "exhibits.json")
    source = rendered["root"] / "reports/mini.qmd"
    assert [(e.document, e.label) for e in exhibits] == [
        ("mini", e.label) for e in exhibits_of(source)
    ]
    assert exhibits, "the fixture has tables and figures"


def test_fallback_writes_both_documents_and_names_the_engine(rendered):
    out, record = rendered["out"], rendered["record"]
    assert json.loads((out / "render.json").read_text()) == record
    assert record["engine"] == "fallback" and record["synthetic"] is True
    assert set(record["software"]) >= {"pandoc", "jupytext", "nbclient", "ipykernel"}
    assert record["stamp"]["date"] == "2023-11-14"
    html = (out / "mini.html").read_text()
    assert "by the fallback renderer (" in html and "[synthetic example data]" in html
    assert record["engine_choice"] == "the fallback engine, as asked for"
    assert "not on PATH" not in html and "not on PATH" not in record["engine_label"]
    assert (out / "mini.pdf").read_bytes().startswith(b"%PDF-")


def test_html_as_a_reader_sees_it_in_chromium(rendered, tmp_path):
    screenshot = ROOT / "tests" / "artefacts" / "fixture-mini.png"
    screenshot.parent.mkdir(exist_ok=True)
    view = view_in_chromium(rendered["out"] / "mini.html", screenshot)
    assert view.banner_visible and view.banner_at_top
    assert view.stamp.startswith(f"Version {__version__}, commit ")
    assert "data fingerprint " in view.stamp and "2023-11-14" in view.stamp
    assert view.figures and all(w > 0 and h > 0 for w, h in view.figures)
    assert "??" not in view.body_text and not view.unresolved_citations
    assert "Table 1 lists them" in view.body_text and "Figure 1 draws them" in view.body_text
    assert "Table 1: Interviews by consent tier." in view.body_text
    assert "Guest, Namey, and Chen 2020" in view.body_text
    assert [v["key"] for v in view.values] == ["interviews", "agreement.code"]
    assert [v["text"] for v in view.values] == ["1,234", "81.1"]
    assert value_mismatches(view.values, rendered["root"]) == []
    assert screenshot.stat().st_size > 0


def test_pdf_has_the_banner_and_stamp_on_every_page_and_embeds_the_figure(rendered):
    pdf = read_pdf(rendered["out"] / "mini.pdf")
    assert 1 <= len(pdf.pages) <= 3
    for page in pdf.pages:
        assert BANNER_START in page and f"Version {__version__}" in page
    text = "\n".join(pdf.pages)
    assert "Table 1: Interviews by consent tier." in text
    assert "Table 1: Table 1" not in text and "Figure 1: Interviews" in text
    assert "1,234 interviews" in text and "??" not in text
    assert pdf.images >= 1


def test_two_renders_are_byte_identical(rendered, tmp_path):
    root = fixture_copy(tmp_path / "again")
    render_reports(request_for(root, root / "out"), EPOCH)
    for name in ("mini.html", "mini.pdf", "render.json"):
        assert (root / "out" / name).read_bytes() == (rendered["out"] / name).read_bytes(), name


def test_real_data_get_no_banner_and_no_title_suffix(tmp_path):
    root = fixture_copy(tmp_path / "real")
    numbers = root / "results/demo/numbers.json"
    numbers.write_text(numbers.read_text().replace('"synthetic": true', '"synthetic": false'))
    (root / "data/demo/interviews.csv").write_text("pseudonym,synthetic\nP-1,false\n")
    render_reports(request_for(root, root / "out"), EPOCH)
    html = (root / "out/mini.html").read_text()
    assert 'class="pki-banner"' not in html and "synthetic example data" not in html
    assert "pki-stamp" in html


def test_synthetic_flag_must_be_carried_and_any_synthetic_input_marks_the_document(tmp_path):
    root = fixture_copy(tmp_path / "flags")
    declared = ["results/demo/numbers.json", "data/demo/interviews.csv"]
    assert synthetic_flag(root, declared) is True
    (root / "data/demo/interviews.csv").write_text("pseudonym,synthetic\nP-1,false\n")
    assert synthetic_flag(root, declared) is True
    assert synthetic_flag(root, ["data/demo/interviews.csv"]) is False
    with pytest.raises(RenderError, match="no declared input carries"):
        synthetic_flag(root, ["results/demo/counts.csv"])
    (root / "data/demo/interviews.csv").write_text("pseudonym,synthetic\nP-1,1\n")
    with pytest.raises(RenderError, match=r"row 1, column 'synthetic': got '1'; expected true"):
        synthetic_flag(root, declared)
    (root / "results/demo/numbers.json").write_text('{"synthetic": "false"}')
    with pytest.raises(RenderError, match="'synthetic' is 'false'; expected true or false"):
        synthetic_flag(root, ["results/demo/numbers.json"])


def test_date_comes_from_source_date_epoch_or_the_commit(tmp_path):
    assert render_date(tmp_path, {"SOURCE_DATE_EPOCH": "0"}).isoformat() == "1970-01-01"
    with pytest.raises(RenderError, match="SOURCE_DATE_EPOCH"):
        render_date(tmp_path, {"SOURCE_DATE_EPOCH": "yesterday"})
    with pytest.raises(RenderError, match="set SOURCE_DATE_EPOCH"):
        render_date(tmp_path, {})


def test_commit_is_marked_dirty_when_tracked_files_change(tmp_path):
    assert git_commit(tmp_path).startswith("unknown")

    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "a.txt").write_text("a")
    git("add", "a.txt")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "a")
    clean = git_commit(tmp_path)
    assert len(clean) == 12 and not clean.endswith("+dirty")
    (tmp_path / "a.txt").write_text("b")
    assert git_commit(tmp_path) == clean + "+dirty"


def test_engine_choice_follows_path(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert choose_engine("auto").name == "fallback"
    assert engine_choice("auto", choose_engine("auto")).endswith(
        "Quarto, the reference renderer, was not on PATH"
    )
    with pytest.raises(RenderError, match="quarto is not on PATH"):
        choose_engine("quarto")
    fake = tmp_path / "quarto"
    fake.write_text("#!/bin/sh\necho 1.8.25\n")
    fake.chmod(0o755)
    assert choose_engine("auto").name == "quarto"
    assert choose_engine("fallback").name == "fallback"


@pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto is not on PATH")
def test_quarto_renders_the_same_fixture(tmp_path):
    root = fixture_copy(tmp_path / "quarto")
    record = render_reports(request_for(root, root / "out", engine="quarto"), EPOCH)
    assert record["engine"] == "quarto"
    pdf = read_pdf(root / "out/mini.pdf")
    assert all(BANNER_START in page for page in pdf.pages)
    view = view_in_chromium(root / "out/mini.html", tmp_path / "quarto.png")
    assert view.banner_visible and value_mismatches(view.values, root) == []


def edit_source(root: Path, old: str, new: str) -> None:
    source = root / "reports/mini.qmd"
    text = source.read_text()
    assert old in text
    source.write_text(text.replace(old, new))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            '"interviews")',
            '"interviewz")',
            r"mini\.qmd: cell 'setup' failed: ReportDataError: results/demo/numbers.json: "
            r"no key 'interviewz'",
        ),
        (
            'data.figure("results/demo/bars")',
            'data.figure("results/demo/missing")',
            r"mini\.qmd: cell 'fig-bars' failed: ReportDataError: 'results/demo/missing.svg' "
            r"is not a declared input",
        ),
        (
            "markdown_table(data.table",
            "1 / 0 or markdown_table(data.table",
            r"mini\.qmd: cell 'tbl-counts' failed: ZeroDivisionError",
        ),
        ("See @fig-bars again", "See @fig-nothing", r"@fig-nothing refers to no figure"),
        ("[see @guest2020]", "[see @nobody1999]", r"@nobody1999 is not in the bibliography"),
        ("#| label: tbl-counts", "#| label: tbl-counts\n#| column: page", r"'tbl-counts'.*column"),
        ("csl: style.csl", "csl: style.csl\nformat: pdf", r"front matter key\(s\) \['format'\]"),
        ("#| label: setup\n", "", r"code cell \d+ has no '#\| label:'"),
        ("`{python} n_interviews`", "`{python} n_interviewz`", r"inline `\{python\} n_interviewz`"),
        ("# Results", "<style>.pki-banner{display:none}</style>\n\n# Results", r"raw html"),
        ("# Results", "::: {.callout-note}\nNote\n:::\n\n# Results", r"'\.callout-note'"),
        ("# Results", "{{< pagebreak >}}\n\n# Results", r"a shortcode"),
        ("`{python} n_interviews`", "`{python} 42`", r"`\{python\} 42` is not a value read from"),
        ("data = ReportData", "import os\nos._exit(1)\ndata = ReportData", r"cell 'setup' failed"),
        ("#| label: fig-bars", "#| label: fig-bars/b", r"label 'fig-bars/b' should be"),
    ],
)
def test_bad_source_fails_naming_file_cell_and_cause_and_writes_nothing(
    tmp_path, old, new, message
):
    root = fixture_copy(tmp_path / "bad")
    edit_source(root, old, new)
    out = root / "out"
    out.mkdir()
    (out / "earlier.txt").write_text("kept")
    with pytest.raises(RenderError, match=message):
        render_reports(request_for(root, out), EPOCH)
    assert sorted(p.name for p in out.iterdir()) == ["earlier.txt"]


def test_a_figure_that_failed_to_build_is_named(tmp_path):
    root = fixture_copy(tmp_path / "broken")
    (root / "results/demo/bars.png").write_bytes(b"not a png")
    with pytest.raises(RenderError, match=r"cell 'fig-bars' failed: .*bars\.png' is not a PNG"):
        render_reports(request_for(root, root / "out"), EPOCH)
    assert not (root / "out").exists()


def test_a_declared_input_that_is_missing_stops_before_rendering(tmp_path):
    root = fixture_copy(tmp_path / "missing")
    request = request_for(root, root / "out")
    (root / "results/demo/counts.csv").unlink()
    with pytest.raises(RenderError, match=r"declared inputs missing: results/demo/counts\.csv"):
        render_reports(request, EPOCH)


def test_quarto_engine_passes_title_includes_and_context(monkeypatch, tmp_path):
    """Quarto is not installable here, so a stand-in on PATH records how it is called: the
    glue is tested, Quarto itself only where it is installed (the test above)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls.txt"
    fake = bin_dir / "quarto"
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--version" ]; then echo 9.9.9; exit 0; fi\n'
        f'echo "$@ | context=$PKI_RENDER_CONTEXT" >> {calls}\n'
        f"cp _pki_metadata_html.yaml {tmp_path / 'metadata_html.yaml'}\n"
        f"cp _pki_metadata_pdf.yaml {tmp_path / 'metadata.yaml'}\n"
        'while [ $# -gt 0 ]; do [ "$1" = "--output" ] && out="$2"; shift; done\n'
        'printf "%%PDF-1.7 or <html>" > "$out"\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    root = fixture_copy(tmp_path / "project")
    record = render_reports(request_for(root, root / "out", engine="auto"), EPOCH)
    assert record["engine"] == "quarto" and record["software"]["quarto"] == "9.9.9"
    assert record["stamp"]["engine"] == "Quarto 9.9.9 with its Jupyter engine"
    html_call, pdf_call = calls.read_text().splitlines()
    assert html_call.startswith("render mini.qmd --to html --output mini.html")
    assert pdf_call.startswith("render mini.qmd --to typst --output mini.pdf")
    assert "--metadata-file _pki_metadata_html.yaml" in html_call
    assert "--metadata-file _pki_metadata_pdf.yaml" in pdf_call
    given = yaml.safe_load((tmp_path / "metadata.yaml").read_text())
    # Quarto's HTML template would write keywords into an attribute unescaped: not given.
    html_given = yaml.safe_load((tmp_path / "metadata_html.yaml").read_text())
    assert html_given == {key: value for key, value in given.items() if key != "keywords"}
    assert {key: as_quarto_prints(value) for key, value in given.items()} == {
        "title": "A tiny report [synthetic example data]",
        "author": ["Ada Example", "Ben Sample"],
        "abstract": "A tiny report for the renderer's tests.",
        "keywords": ["test fixture", "rendering"],
    }
    assert "include-before-body:_pki_before_body.html" in html_call
    assert "include-in-header:_pki_header.typ" in pdf_call
    assert all(
        "context=/" in call and call.endswith("context.json") for call in (html_call, pdf_call)
    )
    assert (root / "out/mini.html").read_bytes() == b"%PDF-1.7 or <html>"


def as_quarto_prints(value: str | list) -> str | list:
    """Metadata text as Pandoc's Markdown reader (Quarto's) prints it, as plain text."""
    import pypandoc

    if isinstance(value, list):
        return [as_quarto_prints(item) for item in value]
    return pypandoc.convert_text(value, "plain", format="markdown").strip()


def test_study_text_prints_as_written_never_as_markup(tmp_path):
    """A title, name or abstract is text: raw HTML, a citation key, maths and emphasis in the
    config print as typed through Pandoc's Markdown reader, which reads the study's metadata
    for both engines."""
    from peacekeeping_interviews.reports.render_engine import literal_markdown

    hostile = "<style>.pki-top{opacity:0}</style> @handle $x$ *y* \\ a_b [c](d) 'e' --"
    assert as_quarto_prints(literal_markdown(hostile)) == hostile
    assert as_quarto_prints(literal_markdown(["<b>A</b>", "Ксения & <Co>"])) == [
        "<b>A</b>",
        "Ксения & <Co>",
    ]


def test_hostile_study_text_prints_as_text_in_the_page_and_its_meta_tags(tmp_path):
    """A double quote in a keyword or a name ends no attribute (a keyword could otherwise add a
    redirect to the page), and markup in the title or abstract prints as typed."""
    from lxml import html as lxml_html

    root = fixture_copy(tmp_path / "hostile")
    study_file = root / "results/demo/study.json"
    study = json.loads(study_file.read_text())
    keyword = '0;url=https://example.org/" http-equiv="refresh'
    author = 'Ada "The Hand" <b>Example</b>'
    study.update(authors=[author, "Ben Sample"], keywords=[keyword, "rendering"])
    study["paper"] = {"title": "A <i>tiny</i> $x$ report", "abstract": "See @handle and *this*."}
    study_file.write_text(json.dumps(study))
    render_reports(request_for(root, root / "out"), EPOCH)
    page = lxml_html.parse(str(root / "out/mini.html")).getroot()
    assert page.xpath("//meta[@http-equiv]") == []
    assert page.xpath("//meta[@name='keywords']/@content") == [f"{keyword}, rendering"]
    assert page.xpath("//meta[@name='author']/@content") == [author, "Ben Sample"]
    assert page.xpath("//h1[@class='title']")[0].text_content().startswith("A <i>tiny</i> $x$")
    assert "See @handle and *this*." in page.xpath("//div[@class='abstract']")[0].text_content()
    first_page = " ".join(read_pdf(root / "out/mini.pdf").pages[0].split())
    assert "A <i>tiny</i> $x$ report" in first_page and "See @handle and *this*." in first_page


def test_title_authors_and_abstract_come_from_the_study_record(rendered):
    html = (rendered["out"] / "mini.html").read_text()
    assert "A tiny report [synthetic example data]" in html
    assert "Ada Example" in html and "Ben Sample" in html
    assert "A tiny report for the renderer" in html
    assert "A study record for the renderer" not in html and "tiny data collection" not in html


def test_a_source_may_not_set_its_own_title(tmp_path):
    root = fixture_copy(tmp_path / "titled")
    source = root / "reports/mini.qmd"
    source.write_text(source.read_text().replace("---\n", "---\ntitle: Mine\n", 1))
    with pytest.raises(RenderError, match=r"front matter sets \['title'\].*study record"):
        render_reports(request_for(root, root / "out"), EPOCH)
    assert not (root / "out").exists()
