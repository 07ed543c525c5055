"""Unitizing alpha from the release's positions: transcripts grouped and pooled as documented,
each row the estimator's value on continua built by hand, and no coefficient without positions."""

import pandas as pd
import pytest

from peacekeeping_interviews.analysis.release import PublicRelease
from peacekeeping_interviews.analysis.span_agreement import (
    NO_POSITIONS,
    NO_SHARED_TRANSCRIPT,
    continua_by_coders,
    unitizing_table,
)
from peacekeeping_interviews.analysis.unitizing import (
    Continuum,
    Segment,
    binary_unitizing_alpha,
    unitizing_alpha,
)
from peacekeeping_interviews.codebook import Code, Codebook

SETTINGS = {"bootstrap_samples": 200, "seed": 5, "confidence": 0.95}
CODES = ["x", "y", "z"]  # z is never spanned
# (pseudonym, transcript, coder, code, start, end, transcript_length); segments are numbered
# per row, as the coding table's key needs, and play no part in the coefficient.
SPANS = [
    ("P-1", 1, "ann", "x", 0, 10, 60),
    ("P-1", 1, "ann", "y", 20, 30, 60),
    ("P-1", 1, "bob", "x", 2, 10, 60),
    ("P-1", 1, "bob", "y", 22, 35, 60),
    ("P-1", 2, "ann", "x", 5, 15, 40),  # one coder only: not a continuum
    ("P-2", 1, "ann", "x", 0, 8, 50),
    ("P-2", 1, "cat", "x", 0, 9, 50),
    ("P-2", 1, "cat", "x", 6, 12, 50),  # overlaps cat's other x span: united into [0, 12)
    ("P-2", 1, "cat", "y", 30, 40, 50),
    ("P-3", 1, "ann", "y", 1, 11, 30),
    ("P-3", 1, "bob", "y", 1, 11, 30),
    ("P-3", 1, "cat", "x", 15, 20, 30),
]
# The same, by hand: P-1 and P-2 have two coders, P-3 three (ranked by name).
TWO = [
    Continuum(60, {"1": [Segment(0, 10, "x"), Segment(20, 30, "y")],
                   "2": [Segment(2, 10, "x"), Segment(22, 35, "y")]}),
    Continuum(50, {"1": [Segment(0, 8, "x")],
                   "2": [Segment(0, 12, "x"), Segment(30, 40, "y")]}),
]  # fmt: skip
THREE = [Continuum(30, {"1": [Segment(1, 11, "y")], "2": [Segment(1, 11, "y")],
                        "3": [Segment(15, 20, "x")]})]  # fmt: skip


def release(spans=SPANS) -> PublicRelease:
    coding = pd.DataFrame(
        spans, columns=["pseudonym", "transcript", "coder", "code", "start", "end",
                        "transcript_length"],
    )  # fmt: skip
    coding.insert(1, "segment", range(1, len(coding) + 1))
    coding = coding.assign(direction="none", excerpt="")
    for column in ("transcript", "start", "end", "transcript_length"):
        coding[column] = coding[column].astype("Int64")
    people = list(dict.fromkeys(coding["pseudonym"]))
    interviews = pd.DataFrame({"pseudonym": people, "collection_order": range(1, len(people) + 1)})
    book = Codebook(
        "test", "test", "test", (("c", "C"),), tuple(Code(c, c, "factor", "c") for c in CODES)
    )
    return PublicRelease(interviews=interviews, coding=coding, codebook=book, synthetic=True)


def test_transcripts_group_by_their_number_of_coders_with_coders_ranked():
    assert continua_by_coders(release().coding) == {2: TWO, 3: THREE}


def test_each_row_is_the_estimator_on_the_continua_by_hand():
    table, numbers = unitizing_table(release(), SETTINGS)
    assert list(zip(table["coders_per_transcript"], table["scope"], strict=True)) == [
        (m, scope) for m in (2, 3) for scope in ("overall", *CODES)
    ]
    rows = table.set_index(["coders_per_transcript", "scope"])
    for m, continua in ((2, TWO), (3, THREE)):
        assert rows.loc[(m, "overall"), "u_alpha"] == round(unitizing_alpha(continua), 4)
        for code in ("x", "y"):
            expected = binary_unitizing_alpha(continua, code)
            assert rows.loc[(m, code), "u_alpha"] == round(expected, 4)
        assert pd.isna(rows.loc[(m, "z"), "u_alpha"])
        assert "no coder spanned it" in rows.loc[(m, "z"), "note"]
    assert rows.loc[(2, "overall"), "n_spans"] == 7 and rows.loc[(3, "overall"), "n_spans"] == 3
    assert pd.isna(rows.loc[(3, "overall"), "ci_lower"])  # one transcript: no interval
    assert (
        rows.loc[(3, "overall"), "note"] == "spanned in one transcript only: no bootstrap interval"
    )
    assert not pd.isna(rows.loc[(2, "y"), "ci_lower"])  # y in two transcripts
    assert numbers["computed"] and numbers["reason"] is None
    assert [g["coders_per_transcript"] for g in numbers["groups"]] == [2, 3]
    assert numbers["groups"][0]["u_alpha"] == round(unitizing_alpha(TWO), 4)


def test_coders_are_interchangeable_so_other_people_pool():
    """P-2 is coded by ann and cat, P-1 by ann and bob: renaming the coders changes nothing."""
    renamed = [
        (*row[:2], {"bob": "cat", "cat": "bob"}.get(row[2], row[2]), *row[3:]) for row in SPANS
    ]
    first, _ = unitizing_table(release(), SETTINGS)
    second, _ = unitizing_table(release(renamed), SETTINGS)
    pd.testing.assert_frame_equal(first, second)


def test_interval_brackets_the_estimate_and_repeats_with_the_seed():
    table, _ = unitizing_table(release(), SETTINGS)
    again, _ = unitizing_table(release(), SETTINGS)
    pd.testing.assert_frame_equal(table, again)
    overall = table[table["scope"] == "overall"].iloc[0]
    assert overall["ci_lower"] <= overall["u_alpha"] <= overall["ci_upper"]


def test_without_positions_there_is_no_coefficient_and_the_reason_is_given():
    plain = release()
    plain = PublicRelease(
        plain.interviews,
        plain.coding.assign(
            **{c: pd.NA for c in ("transcript", "start", "end", "transcript_length")}
        ),
        plain.codebook,
        True,
    )
    table, numbers = unitizing_table(plain, SETTINGS)
    assert table.empty and list(table.columns)[:3] == ["coders_per_transcript", "scope", "u_alpha"]
    assert numbers == {
        "coefficient": numbers["coefficient"],
        "computed": False,
        "reason": NO_POSITIONS,
        "groups": [],
    }


def test_without_a_shared_transcript_there_is_no_coefficient():
    alone = [row for row in SPANS if row[2] == "ann"]
    table, numbers = unitizing_table(release(alone), SETTINGS)
    assert table.empty and numbers["reason"] == NO_SHARED_TRANSCRIPT


@pytest.mark.parametrize("seed", [1, 2])
def test_perfect_agreement_gives_one_in_every_resample(seed):
    same = [row for row in SPANS if row[0] == "P-3" and row[2] != "cat"]
    twin = [("P-4", *row[1:]) for row in same]
    table, _ = unitizing_table(release(same + twin), SETTINGS | {"seed": seed})
    overall = table[table["scope"] == "overall"].iloc[0]
    assert overall["u_alpha"] == 1.0 and overall["ci_lower"] == overall["ci_upper"] == 1.0
