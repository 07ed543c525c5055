"""The leak scan catches a planted leak of each kind, and reports none on clean text."""

import re

import pytest

from peacekeeping_interviews.leak_scan import (
    RestrictedStrings,
    SubstringSearch,
    notes_search,
    remove_leaking_files,
    scan_for_leaks,
    scan_text,
)
from peacekeeping_interviews.scrub import NameScrubber, RestrictedName


@pytest.fixture
def restricted() -> RestrictedStrings:
    return RestrictedStrings(
        names=NameScrubber(
            [RestrictedName("Sabine Quorrell", "[an interviewee]", "interviewee name")]
        ),
        raw_ids={"mini-05"},  # casefolded, as the anonymisation stage builds them
        notes=notes_search(["Asked not to be quoted by section", "ok"]),
        excerpts={"they worried the minister would end the mission."},
        secrets=SubstringSearch(["s3cret-key-value"]),
        pseudonym_pattern=re.compile(r"P-[0-9a-f]{10}"),
        details_by_pseudonym={"P-0123456789": ("2020-02-11", "Kinshasa")},
    )


CLEAN = """pseudonym,month,location,citation
P-0123456789,2020-02,in_person,an anonymous source
P-aaaaaaaaaa,2020-02-11,Kinshasa,"Orla Venstrade, former Head of Political Affairs"
"""


def test_clean_text_has_no_leak(restricted):
    assert scan_text(CLEAN, "clean.csv", restricted) == []


@pytest.mark.parametrize(
    ("planted", "kind"),
    [
        ("an interview with Sabine Quorrell", "restricted name"),
        ("as QUORRELL's deputy put it", "restricted name"),
        ("P-0123456789,MINI-05,anonymous", "raw interview id"),
        ("note: asked  not to be quoted BY section.", "interviewer's notes"),
        ('quote: "They worried the Minister would end the mission."', "unscrubbed excerpt"),
        ("key=s3cret-key-value", "pseudonymisation key"),
        ("P-0123456789,2020-02-11,remote", "full date or city of a non-named interview"),
        ("| P-0123456789 | kinshasa |", "full date or city of a non-named interview"),
    ],
)
def test_each_kind_of_planted_leak_is_caught(restricted, planted, kind):
    leaks = scan_text(CLEAN + planted + "\n", "results/x.csv", restricted)
    assert [(leak.line, leak.kind) for leak in leaks] == [(4, kind)]
    assert str(leaks[0]) == f"results/x.csv:4: {kind}"


def test_short_notes_other_pseudonyms_and_cities_in_sentences_are_not_evidence(restricted):
    text = "ok\nP-aaaaaaaaaa,2020-02-11,Kinshasa\nP-0123456789,1,Kinshasa wanted a softer line.\n"
    assert scan_text(text, "f", restricted) == []


def test_directory_scan_removes_only_leaking_files(tmp_path, restricted):
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
    assert remove_leaking_files(leaks) == [str(leaking)]
    assert clean.exists() and not leaking.exists()
