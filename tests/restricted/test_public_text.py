"""The leak scan reads every public format: PDF pages (a planted name in a rendered appendix PDF
is caught with its HTML left unscanned), archives and what they hold, SVG text in pieces or in
character entities, the text a figure draws in its PNG; it fails on a format it cannot read, and
a leak withdraws every output made with the leaking file, the deposit included."""

import io
import json
import zipfile
from pathlib import Path

import pytest
import typst
from conftest import write_files, written_index
from render_fixture import fixture_copy, request_for

from peacekeeping_interviews.analysis.figures import figure, figure_bytes
from peacekeeping_interviews.reports.rendering import render_reports
from peacekeeping_interviews.restricted.leak_scan import (
    UNREADABLE,
    LeakError,
    made_with,
    run_leak_scan,
    scan_files,
)

NAME = "Teodor Balquist"  # a non-named interviewee of the mini fixture
KIND = "non-named interviewee's name"
EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}


@pytest.fixture
def restricted(confidential):
    return confidential.anonymise({})[1].restricted


def typst_pdf(body: str) -> bytes:
    return typst.compile(f'#set page(width: 8cm)\n#set text(lang: "en")\n{body}'.encode())


def leaks_in(tmp_path: Path, files: dict[str, bytes], restricted) -> list:
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    leaks, _ = scan_files([tmp_path / name for name in files], restricted)
    return [(leak.file.removeprefix(f"{tmp_path}/"), leak.kind) for leak in leaks]


def test_a_planted_name_in_the_rendered_appendix_pdf_is_caught_without_its_html(
    tmp_path, restricted
):
    root = fixture_copy(tmp_path / "project")
    source = root / "reports" / "mini.qmd"
    excerpt = f'\n> "Our section works with survivors every day; {NAME} was there with me."\n'
    source.write_text(source.read_text() + excerpt)
    render_reports(request_for(root, root / "out"), EPOCH)
    leaks, summary = scan_files([root / "out" / "mini.pdf"], restricted)
    assert [leak.kind for leak in leaks] == [KIND]
    assert leaks[0].file.startswith(f"{root / 'out' / 'mini.pdf'}!page ")
    assert summary["scanned_by_format"]["pdf"]["files"] == 1
    assert NAME not in str(leaks[0]) and "Balquist" not in str(leaks[0])


def test_a_name_in_a_pdf_even_broken_over_lines_is_found(tmp_path, restricted):
    words = " ".join(["word"] * 7)
    found = leaks_in(
        tmp_path,
        {
            "whole.pdf": typst_pdf(f"Then {NAME} spoke."),
            "broken.pdf": typst_pdf(f"{words} Teodor #linebreak() Balquist spoke."),
            "clean.pdf": typst_pdf("Then a mission official spoke."),
        },
        restricted,
    )
    assert sorted(found) == [("broken.pdf!page 1", KIND), ("whole.pdf!page 1", KIND)]


def test_a_leaking_pdf_or_png_inside_a_zip_is_found(tmp_path, restricted):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bag/data/paper.pdf", typst_pdf(f"We met {NAME}."))
        archive.writestr("bag/data/figure.png", drawn_png(f"Met {NAME}"))
        archive.writestr("bag/data/ok.csv", "a,b\n1,2\n")
    found = leaks_in(tmp_path, {"deposit.zip": buffer.getvalue()}, restricted)
    assert found == [
        ("deposit.zip!bag/data/paper.pdf!page 1", KIND),
        ("deposit.zip!bag/data/figure.png!metadata", KIND),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "<text>Teodor <tspan>Bal</tspan><tspan>quist</tspan></text>",
        "<text><tspan x='1'>Teodor Bal</tspan>\n<tspan x='9'>quist</tspan></text>",
        "<text>&#84;eodor Bal&#x71;uist</text>",
        "<title>&#84;eodor&#32;Bal&#x71;uist</title>",
    ],
)
def test_an_svg_name_in_tspans_or_entities_is_found(tmp_path, restricted, text):
    svg = f'<svg xmlns="http://www.w3.org/2000/svg">\n{text}\n</svg>\n'
    assert leaks_in(tmp_path, {"figure.svg": svg.encode()}, restricted) == [("figure.svg", KIND)]


def drawn_png(label: str) -> bytes:
    with figure(3, 2, synthetic=False) as fig:
        axes = fig.add_subplot()
        axes.bar(["a", "b"], [1, 2])
        axes.set_xlabel(label)
        return figure_bytes(fig)["png"]


def test_a_name_drawn_only_in_a_png_is_found(tmp_path, restricted):
    found = leaks_in(tmp_path, {"figure.png": drawn_png(f"Said by {NAME}")}, restricted)
    assert found == [("figure.png!metadata", KIND)]
    assert leaks_in(tmp_path, {"clean.png": drawn_png("Said by an official")}, restricted) == []


def test_an_unknown_binary_format_fails_and_a_font_passes(tmp_path, restricted):
    found = leaks_in(
        tmp_path,
        {"blob.bin": b"\x00\x01secret\x00" * 10, "font.woff2": b"wOF2\x00\x01" + bytes(64)},
        restricted,
    )
    assert found == [("blob.bin", UNREADABLE)]
    _, summary = scan_files([tmp_path / "font.woff2"], restricted)
    assert summary["scanned_by_format"]["no text"]["files"] == 1


def test_the_summary_counts_files_and_members_of_each_format(tmp_path, restricted):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.pdf", typst_pdf("Nothing here."))
        archive.writestr("b.csv", "x\n")
    (tmp_path / "d.zip").write_bytes(buffer.getvalue())
    (tmp_path / "c.pdf").write_bytes(typst_pdf("Nor here."))
    (tmp_path / "t.csv").write_text("y\n")
    leaks, summary = scan_files(sorted(tmp_path.iterdir()), restricted)
    counts = {
        kind: (entry["files"], entry["archive_members"])
        for kind, entry in summary["scanned_by_format"].items()
    }
    assert leaks == [] and summary["not_scannable"] == []
    assert counts == {"pdf": (1, 1), "text": (1, 1), "zip": (1, 0)}
    assert "PDFium" in summary["scanned_by_format"]["pdf"]["how"]


PRODUCTS = {
    "tabulate": {
        "input": ["data/anonymised/coding.csv"],
        "output": ["results/t/fig.svg", "results/t/fig.png"],
    },
    "render": {
        "input": ["results/t/fig.svg", "reports/paper.qmd"],
        "output": ["results/paper/appendix.html", "results/paper/appendix.pdf"],
    },
    "anonymise": {
        "input": ["data/example/interviews.csv"],
        "output": ["data/anonymised/coding.csv", "data/restricted/crosswalk.csv"],
    },
}


def test_a_leak_withdraws_the_rules_other_outputs_and_what_reads_them(tmp_path):
    public = [tmp_path / "results", tmp_path / "data/anonymised"]
    assert made_with(["results/t/fig.svg"], PRODUCTS, public, tmp_path) == [
        str(tmp_path / p)
        for p in [
            "results/paper/appendix.html",
            "results/paper/appendix.pdf",
            "results/t/fig.png",
            "results/t/fig.svg",
        ]
    ]
    withdrawn = made_with(["data/anonymised/coding.csv"], PRODUCTS, public, tmp_path)
    assert str(tmp_path / "data/restricted/crosswalk.csv") not in withdrawn
    assert str(tmp_path / "results/paper/appendix.pdf") in withdrawn


def test_a_failed_scan_leaves_no_sibling_output_and_no_earlier_deposit_or_report(
    tmp_path, confidential
):
    files = {
        "results/t/fig.svg": "<svg><text>Teodor Balquist</text></svg>\n",
        "results/t/fig.png": "stands for the PNG twin\n",
        "results/paper/appendix.html": "<p>An appendix.</p>\n",
        "results/paper/appendix.pdf": "stands for the PDF twin\n",
        "results/deposit/study-v0.9/bagit.txt": "BagIt-Version: 0.97\n",
        "results/deposit/study-v0.9-zip/study-v0.9.zip": "an earlier zip\n",
        "results/leak_scan.json": '{"leaks": 0}\n',
        "results/other/clean.csv": "a\n1\n",
    }
    write_files(tmp_path, files)
    quarantine = tmp_path / "data/restricted/quarantine"
    with pytest.raises(LeakError) as raised:
        run_leak_scan(
            written_index(confidential, tmp_path / "data/restricted"),
            confidential.settings,
            public_dirs=[tmp_path / "results"],
            report=tmp_path / "results/leak_scan.json",
            quarantine=quarantine,
            products=PRODUCTS,
            final_products=[Path("results/deposit")],
            root=tmp_path,
            environ={},
        )
    left = sorted(
        str(p.relative_to(tmp_path)) for p in (tmp_path / "results").rglob("*") if p.is_file()
    )
    assert left == ["results/other/clean.csv"]
    moved = sorted(str(p.relative_to(quarantine)) for p in quarantine.rglob("*") if p.is_file())
    assert moved == sorted(p for p in files if p not in left and p != "results/leak_scan.json")
    assert "Balquist" not in str(raised.value)
    assert json.dumps(str(quarantine / "results/paper/appendix.pdf"))[1:-1] in str(raised.value)
