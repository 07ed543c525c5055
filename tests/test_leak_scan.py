"""The leak scan catches a planted leak of each kind, says where it is and why it is restricted
without repeating it, reports none on clean text, and quarantines what leaked."""

import re

import pytest

from peacekeeping_interviews.leak_scan import (
    KEY,
    Leak,
    Restricted,
    RestrictedStrings,
    SubstringSearch,
    check_quarantine,
    mask,
    notes_search,
    quarantine_files,
    scan_for_leaks,
    scan_text,
)
from peacekeeping_interviews.scrub import NameScrubber, RestrictedName

EXCERPT = "They worried the minister would end the mission."


@pytest.fixture
def restricted() -> RestrictedStrings:
    return RestrictedStrings(
        names=NameScrubber(
            [RestrictedName("Sabine Quorrell", "[an interviewee]", "interviewee name", "row 5")]
        ),
        raw_ids={"mini-05": Restricted("MINI-05", "raw interview id", "row 5, id")},
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


def test_short_notes_other_pseudonyms_and_cities_in_sentences_are_not_evidence(restricted):
    text = "ok\nP-aaaaaaaaaa,2020-02-11,Kinshasa\nP-0123456789,1,Kinshasa wanted a softer line.\n"
    assert scan_text(text, "f", restricted) == []


def test_directory_scan_quarantines_only_leaking_files(tmp_path, restricted):
    (tmp_path / "results" / "deep").mkdir(parents=True)
    clean = tmp_path / "results" / "clean.md"
    leaking = tmp_path / "results" / "deep" / "table.csv"
    binary = tmp_path / "results" / "figure.png"
    clean.write_text(CLEAN)
    leaking.write_text("P-0123456789,MINI-05\n")
    binary.write_bytes(b"\x89PNG\0\0MINI-05")
    leaks, summary = scan_for_leaks(restricted, [tmp_path / "results"])
    assert [leak.file for leak in leaks] == [str(leaking)]
    assert summary["text_files_scanned"] == 2
    assert summary["binary_files_not_scanned"] == [str(binary)]
    quarantine = tmp_path / "data" / "restricted" / "quarantine"
    moved = quarantine_files([leak.file for leak in leaks], tmp_path, quarantine)
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
