"""The leak scan catches a planted leak of each kind, says where it is and why it is restricted
without repeating it, reports none on clean text, and quarantines what leaked."""

import io
import json
import re
import unicodedata
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import EVASIONS, write_files
from hypothesis import given, settings
from hypothesis import strategies as st
from restricted_examples import CORPUS_RESTRICTED, EVERY_KIND, EXCERPT, NON_NAMED

from peacekeeping_interviews.masking import KEY, mask
from peacekeeping_interviews.qda_exchange import (
    QdaCase,
    QdaProject,
    QdaSource,
    QdaUser,
    QdaVariable,
    write_qdpx,
)
from peacekeeping_interviews.restricted.leak_scan import (
    UNREADABLE,
    Leak,
    check_quarantine,
    leaks_in_line,
    quarantine_files,
    scan_for_leaks,
    scan_reading,
    scan_text,
)
from peacekeeping_interviews.restricted.normalised_text import (
    _ascii_normalised_with_origins,
    _charwise_normalised_with_origins,
    normalise,
)
from peacekeeping_interviews.restricted.public_text import read_public
from peacekeeping_interviews.restricted.restricted_strings import (
    AllowedInFiles,
    Restricted,
    RestrictedStrings,
    SubstringSearch,
    id_search,
    name_search,
    notes_search,
)


@pytest.fixture
def restricted() -> RestrictedStrings:
    return RestrictedStrings(
        names=name_search([Restricted("Sabine Quorrell", "interviewee name", "row 5")]),
        raw_ids=id_search([Restricted("MINI-05", "raw interview id", "row 5, id")]),
        notes=notes_search(
            [
                Restricted("Asked not to be quoted by section", "interviewer's notes", "row 2"),
                Restricted("ok", "interviewer's notes", "row 3"),
            ]
        ),
        excerpts={EXCERPT.casefold(): Restricted(EXCERPT, "unscrubbed excerpt", "coding row 4")},
        secrets=SubstringSearch({"s3cret-key-value": Restricted("s3cret-key-value", KEY, "env")}),
        pseudonym_pattern=re.compile(r"P-[0-9a-f]{10}"),
        details_by_pseudonym={
            "P-0123456789": (
                Restricted("2020-02-11", "full date", "row 5, date"),
                Restricted("Kinshasa", "city", "row 5, location"),
            )
        },
    )


CLEAN = """pseudonym,month,location,citation
P-0123456789,2020-02,in_person,an anonymous source
P-aaaaaaaaaa,2020-02-11,Kinshasa,"Orla Venstrade, former Head of Political Affairs"
"""


def test_clean_text_has_no_leak(restricted):
    assert scan_text(CLEAN, "clean.csv", restricted) == []


@pytest.mark.parametrize(
    ("planted", "expected"),
    [
        (
            "an interview with Sabine Quorrell",
            "19: interviewee name S… Q… (15 characters) in column 1 'pseudonym'; "
            "restricted by row 5",
        ),
        (
            "x,as QUORRELL's deputy put it",
            "6: interviewee name S… Q… (15 characters) in column 2 'month'; restricted by row 5",
        ),
        (
            "P-0123456789,MINI-05,anonymous",
            "14: raw interview id M… (7 characters) in column 2 'month'; restricted by row 5, id",
        ),
        (
            "x,x,x,note: asked  not to be quoted BY section.",
            "13: interviewer's notes A… n… t… … (33 characters) in column 4 'citation'; "
            "restricted by row 2",
        ),
        (
            'x,x,x,"They worried the Minister would end the mission."',
            "8: unscrubbed excerpt T… w… t… … (48 characters) in column 4 'citation'; "
            "restricted by coding row 4",
        ),
        (
            "key=s3cret-key-value",
            "5: pseudonymisation key (16 characters) in column 1 'pseudonym'; restricted by env",
        ),
        (
            "P-0123456789,2020-02-11,remote",
            "14: full date 2… (10 characters) in column 2 'month'; restricted by row 5, date",
        ),
        (
            "P-0123456789 , kinshasa",
            "16: city K… (8 characters) in column 2 'month'; restricted by row 5, location",
        ),
    ],
)
def test_each_kind_of_planted_leak_is_caught_located_and_masked(restricted, planted, expected):
    leaks = scan_text(CLEAN + planted + "\n", "results/x.csv", restricted)
    assert [str(leak) for leak in leaks] == [f"results/x.csv:4:{expected}"]


def test_a_markdown_row_with_a_pseudonym_and_its_city_is_a_leak(restricted):
    (leak,) = scan_text("| P-0123456789 | kinshasa |\n", "results/x.md", restricted)
    assert str(leak) == "results/x.md:1:18: city K… (8 characters); restricted by row 5, location"


def test_a_header_or_key_that_is_itself_restricted_is_not_named(restricted):
    leaks = scan_text("row,MINI-05\nx,Sabine Quorrell\n", "t.csv", restricted)
    assert [(leak.line, leak.field) for leak in leaks] == [(1, "column 2"), (2, "column 2")]
    leaks = scan_text('{"MINI-05": "Sabine Quorrell"}', "t.json", restricted)
    assert [leak.field for leak in leaks] == ["", ""]
    assert not [leak for leak in leaks if "MINI-05" in str(leak) or "Quorrell" in str(leak)]


def test_each_leak_on_a_line_is_reported_once_with_its_first_place(restricted):
    leaks = scan_text('{"a": "Quorrell", "b": "Sabine Quorrell and MINI-05"}', "r.json", restricted)
    assert [(leak.column, leak.kind, leak.field) for leak in leaks] == [
        (8, "interviewee name", "key 'a'"),
        (45, "raw interview id", "key 'b'"),
    ]


@pytest.mark.parametrize(
    ("value", "kind", "masked"),
    [
        ("Halvard Quenby", "sensitive name", "H… Q… (14 characters)"),
        ("MINI-05", "raw interview id", "M… (7 characters)"),
        ("one two three four five", "interviewer's notes", "o… t… t… … (23 characters)"),
        ("s3cret-key-value", KEY, "(16 characters)"),
    ],
)
def test_masks_show_initials_and_length_and_nothing_of_the_key(value, kind, masked):
    assert mask(value, kind) == masked


def test_short_notes_and_other_pseudonyms_dates_and_cities_are_not_evidence(restricted):
    text = "ok\nP-aaaaaaaaaa,2020-02-11,Kinshasa\nP-aaaaaaaaaa,1,Kinshasa wanted a softer line.\n"
    assert scan_text(text, "f", restricted) == []


def test_directory_scan_quarantines_only_leaking_files(tmp_path, restricted):
    (tmp_path / "results" / "deep").mkdir(parents=True)
    clean = tmp_path / "results" / "clean.md"
    leaking = tmp_path / "results" / "deep" / "table.csv"
    binary = tmp_path / "results" / "figure.png"
    clean.write_text(CLEAN)
    leaking.write_text("P-0123456789,MINI-05\n")
    binary.write_bytes(b"\x89PNG\0\0MINI-05")  # a PNG nobody can read: reported, not passed
    leaks, summary = scan_for_leaks(restricted, [tmp_path / "results"])
    assert [leak.file for leak in leaks] == [str(leaking), str(binary)]
    assert leaks[-1].kind == UNREADABLE
    assert summary["scanned_by_format"]["text"]["files"] == 2
    assert summary["not_scannable"] == [f"{binary} (png: unknown binary format)"]
    quarantine = tmp_path / "data" / "restricted" / "quarantine"
    moved = quarantine_files([str(leaking)], tmp_path, quarantine)
    assert moved == {str(leaking): str(quarantine / "results" / "deep" / "table.csv")}
    assert clean.exists() and not leaking.exists()
    assert (quarantine / "results" / "deep" / "table.csv").read_text() == "P-0123456789,MINI-05\n"


@pytest.mark.parametrize("inside", ["results/quarantine", "results", "results/a/b"])
def test_a_quarantine_inside_a_public_folder_is_refused(tmp_path, inside):
    with pytest.raises(ValueError, match="inside the public folder"):
        check_quarantine(tmp_path / inside, [tmp_path / "data/anonymised", tmp_path / "results"])
    check_quarantine(tmp_path / "data/restricted/quarantine", [tmp_path / "results"])


def test_a_whole_file_leak_reads_without_a_column():
    leak = Leak("data/x/crosswalk.csv", 0, "restricted file", source="its name")
    assert str(leak) == "data/x/crosswalk.csv:0: restricted file; restricted by its name"


@pytest.mark.parametrize("case", EVASIONS["names"], ids=lambda case: case["case"])
def test_each_evasion_of_a_name_is_a_leak(case):
    leaks = scan_text(case["text"], "paper.md", CORPUS_RESTRICTED)
    assert [(leak.kind, leak.masked) for leak in leaks] == [
        (NON_NAMED, mask(case["name"], NON_NAMED))
    ]


@pytest.mark.parametrize("harmless", EVASIONS["harmless"])
def test_common_words_other_names_and_published_names_are_not_leaks(harmless):
    assert scan_text(harmless, "paper.md", CORPUS_RESTRICTED) == []


@pytest.mark.parametrize("case", EVASIONS["dates_and_cities"], ids=lambda case: case["case"])
def test_the_interviews_date_or_city_inside_its_excerpt_is_a_leak(case):
    row = 'pseudonym,segment,excerpt\nP-0123456789,3,"We met, {}, at noon."\n'
    (leak,) = scan_text(row.format(case["written"]), "coding.csv", CORPUS_RESTRICTED)
    assert leak.kind in {"full date", "city"}
    assert (leak.line, leak.field) == (2, "column 3 'excerpt'")
    assert scan_text(row.format(case["coarse"]), "coding.csv", CORPUS_RESTRICTED) == []
    other = row.replace("P-0123456789", "P-aaaaaaaaaa").format(case["written"])
    assert scan_text(other, "coding.csv", CORPUS_RESTRICTED) == []


@pytest.mark.parametrize(
    "written",
    [
        "REF0002",
        "REF-2",
        "REF 0002",
        "x_REF-0002_y",
        "ref_2",
        "REF:0002",
        "REF#2",
        "REF(0002)",
        "REF,0002",
        "R-E-F-0002",
        "R E F 2",
        "R\u0415F:0002",  # a Cyrillic capital Ie
        "\uff32\uff25\uff26#2",  # fullwidth letters
    ],
)
def test_variants_of_a_raw_id_are_leaks(written):
    restricted = replace(
        CORPUS_RESTRICTED,
        raw_ids=id_search([Restricted("REF-0002", "raw interview id", "row 2, id")]),
    )
    (leak,) = scan_text(f"see {written} there", "notes.md", restricted)
    where = unicodedata.normalize("NFKC", written).casefold().index("r")
    assert (leak.kind, leak.column) == ("raw interview id", 5 + where)


@pytest.mark.parametrize(
    "other",
    [
        "REF-20",
        "REF-00021",
        "AREF-2",
        "PREF 2",
        "REF-0003",
        "ref2",
        "Ref2 dtype",
        "ref = 2",
        "ref: 2",
        "ref#2",
        "Ref(2)",
        "r-e-f-2",
    ],
)
def test_other_ids_are_not_leaks(other):
    restricted = replace(
        CORPUS_RESTRICTED,
        raw_ids=id_search([Restricted("REF-0002", "raw interview id", "row 2, id")]),
    )
    assert scan_text(f"see {other} there", "notes.md", restricted) == []


def test_an_id_inside_a_pseudonym_or_a_released_quarter_is_not_a_leak():
    """Ids P001..P210 beside pseudonyms P-048eb5daf3 (the default prefix), an id Q3 beside the
    released quarter 2019-Q3: the id search does not read either as a raw id."""
    restricted = replace(
        CORPUS_RESTRICTED,
        raw_ids=id_search(
            Restricted(raw, "raw interview id", f"row {row}, id")
            for row, raw in enumerate(["P048", "Q3"], start=1)
        ),
        pseudonym_pattern=re.compile(r"P-[0-9a-f]{10}"),
    )
    assert scan_text("P-048eb5daf3,2019-Q3,remote\n", "interviews.csv", restricted) == []
    leaks = scan_text("P-048eb5daf3 was P048, held in Q3\n", "notes.md", restricted)
    assert [leak.column for leak in leaks] == [18, 32]


@pytest.mark.parametrize("invisible", ["\ufe00", "\u034f", "\u3164", "\u2800", "\u180b"])
def test_an_invisible_character_does_not_hide_a_note(restricted, invisible):
    (leak,) = scan_text(f"They had as{invisible}ked not to be quoted.", "paper.md", restricted)
    assert leak.kind == "interviewer's notes"


def test_a_run_of_words_from_a_note_is_a_leak_and_stop_words_alone_are_not(restricted):
    (leak,) = scan_text("They had asked not to be quoted, we recall.", "paper.md", restricted)
    assert (leak.kind, leak.column) == ("interviewer's notes", 10)
    assert scan_text("Whether to be or not to be quoted by name", "paper.md", restricted) == []


def test_a_title_in_a_restricted_name_is_not_a_leak_on_its_own():
    names = name_search([Restricted("Minister Varo Keltz", "sensitive name", "")])
    restricted = replace(CORPUS_RESTRICTED, names=names)
    assert scan_text("The Deputy Minister came.", "p.md", restricted) == []
    assert len(scan_text("Minister Keltz came.", "p.md", restricted)) == 1


def test_a_surname_a_named_interviewee_shares_is_not_a_leak_on_its_own():
    names = name_search(
        [Restricted("Teodor Venstrade", NON_NAMED, "")], published=["Orla Venstrade"]
    )
    restricted = replace(CORPUS_RESTRICTED, names=names)
    assert scan_text("Orla Venstrade, former Head; Mr Venstrade", "p.md", restricted) == []
    assert len(scan_text("Teodor Venstrade", "p.md", restricted)) == 1


def test_an_allowed_occurrence_passes_only_inside_its_released_excerpt():
    excerpt = "General Law applies here, they said."
    restricted = replace(CORPUS_RESTRICTED, allowed={"law": (normalise(excerpt),)})
    assert scan_text(f'P-aaaaaaaaaa,2,"{excerpt}"', "coding.csv", restricted) == []
    assert len(scan_text("General Law applies elsewhere.", "paper.md", restricted)) == 1


def test_a_file_entry_of_the_allow_list_lets_a_word_through_in_matching_files_only(tmp_path):
    """An anonymous interviewee called Miriam Cohen must not withdraw a paper that cites
    Cohen's kappa: the authors allow "Cohen" in results/paper/*, and the report counts what
    the entry let through by its position, never naming the word."""
    names = name_search([Restricted("Miriam Cohen", NON_NAMED, "row 9")])
    restricted = replace(
        CORPUS_RESTRICTED,
        names=names,
        allowed_in_files=(AllowedInFiles(4, "results/paper/*", "Cohen", "Cohen's kappa"),),
    )
    planted = {
        "results/paper/paper.md": "Cohen's kappa was 0.8.\nAgreement (Cohen 1960) was high.\n",
        "results/paper/sub/appendix.md": "COHEN's kappa\nMiriam Cohen said so.\n",
        "results/tables/kappa.md": "Cohen's kappa\n",
    }
    write_files(tmp_path, planted)
    leaks, summary = scan_for_leaks(restricted, [tmp_path / "results"], root=tmp_path)
    found = sorted((Path(leak.file).relative_to(tmp_path).as_posix(), leak.line) for leak in leaks)
    assert found == [("results/paper/sub/appendix.md", 2), ("results/tables/kappa.md", 1)]
    assert summary["allow_list_file_entries"] == [{"entry": 4, "let_through": 3}]
    assert "cohen" not in json.dumps(summary).casefold()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40))
def test_the_ascii_fast_path_normalises_as_character_by_character(text):
    """ASCII text takes a faster path; it must read exactly as the general one."""
    assert _ascii_normalised_with_origins(text) == _charwise_normalised_with_origins(text)
    assert normalise(text) == _charwise_normalised_with_origins(text)[0]


@pytest.mark.parametrize("capital_i", ["\u0406", "\u0399", "\u04c0"])
def test_a_look_alike_capital_i_does_not_hide_a_raw_id(capital_i):
    """Unicode's table lists l before I as the twin of a Cyrillic or Greek capital I."""
    restricted = replace(
        CORPUS_RESTRICTED,
        raw_ids=id_search([Restricted("IX-0002", "raw interview id", "row 2, id")]),
    )
    (leak,) = scan_text(f"see {capital_i}X-0002 there", "notes.md", restricted)
    assert leak.kind == "raw interview id"


@pytest.mark.parametrize(
    "written",
    [
        "s3cret\u200b-key-value",  # a zero-width space inside
        "s3cret\u00ad-key-value",  # a soft hyphen inside
        "s3cr\u0435t-key-value",  # a Cyrillic e
        "S3CRET-KEY-VALUE",
    ],
)
def test_the_key_is_found_through_invisible_characters_look_alikes_and_case(restricted, written):
    found = leaks_in_line(f"config: {written}", restricted)
    assert [(at, what.kind) for at, what in found] == [(8, KEY)]


def test_a_figure_that_is_no_decimal_digit_reads_as_a_letter_group_not_a_crash():
    """A circled or Ethiopic figure is matched by the letter group of an id search, and is not a
    number (int() refuses it)."""
    (leak,) = scan_text("\u2776 Balquist said\n", "paper.md", EVERY_KIND)
    assert leak.kind == NON_NAMED
    assert scan_text("\u2776 REF \u1369\n", "paper.md", EVERY_KIND) == []


def test_a_name_inside_a_refi_qda_project_is_found_in_its_zip():
    """The deposit's coded release is a .qdpx: its project.qde and its texts are scanned."""
    project = QdaProject(
        name="Synthetic project",
        users=(QdaUser("00000001-0000-4000-8000-000000000001", "coder_a"),),
        codes=(),
        variables=(),
        cases=(),
        sources=(
            QdaSource("00000002-0000-4000-8000-000000000002", "P-0123456789", "Balquist left."),
        ),
        selections=(),
    )
    (reading, *members) = read_public("coded_release.qdpx", write_qdpx(project))
    leaks = [leak for r in [reading, *members] for leak in scan_reading(r, CORPUS_RESTRICTED)]
    assert [leak.kind for leak in leaks] == [NON_NAMED, NON_NAMED]
    assert [leak.file.split("!")[1][:8] for leak in leaks] == ["sources/", "project."]


def test_a_date_in_a_case_variable_is_read_beside_the_case_name():
    """In project.qde a case's name (the pseudonym) and its variable values stand on different
    lines, and a transcript's text may be in a member of its own: read case by case, a
    non-named interview's full date in a variable, or its city in its transcript, is found."""
    date, city = EVASIONS["interview"]["date"], EVASIONS["interview"]["city"]
    source = QdaSource(
        "00000002-0000-4000-8000-000000000002", "transcript 1", f"We met in\n{city}."
    )
    case = QdaCase(
        "00000004-0000-4000-8000-000000000004", "P-0123456789", (("Date", date),), (source.guid,)
    )
    project = QdaProject(
        name="Synthetic project",
        users=(QdaUser("00000001-0000-4000-8000-000000000001", "coder_a"),),
        codes=(),
        variables=(QdaVariable("00000003-0000-4000-8000-000000000003", "Date", "Text"),),
        cases=(case,),
        sources=(source,),
        selections=(),
    )

    def leaks(project: QdaProject) -> list[tuple[str, str]]:
        readings = read_public("coded_release.qdpx", write_qdpx(project))
        found = [leak for r in readings for leak in scan_reading(r, CORPUS_RESTRICTED)]
        return sorted((leak.kind, leak.file) for leak in found)

    where = "coded_release.qdpx!project.qde (case by case)"
    assert leaks(project) == [("city", where), ("full date", where)]
    refused = _with_pdf_source(write_qdpx(project))  # the exchange reader refuses a PDF source
    found = [
        leak for r in read_public("x.qdpx", refused) for leak in scan_reading(r, CORPUS_RESTRICTED)
    ]
    assert sorted(leak.kind for leak in found) == ["city", "full date"]
    clean = replace(
        project,
        cases=(replace(case, variables=(("Date", date[:7]),)),),
        sources=(replace(source, text="We met in the capital."),),
    )
    assert leaks(clean) == []


def _with_pdf_source(qdpx: bytes) -> bytes:
    """The project with a PDF source added to its sources, as a QDA program exports one."""
    source = io.BytesIO(qdpx)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "project.qde":
                data = data.replace(
                    b"</Sources>",
                    b'<PDFSource guid="00000009-0000-4000-8000-000000000009" name="scan"/>'
                    b"</Sources>",
                )
            new.writestr(info, data)
    return out.getvalue()
