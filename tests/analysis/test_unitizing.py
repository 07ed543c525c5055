"""Krippendorff's unitizing alpha against published worked examples and hand-worked cases.

Published numbers come from Krippendorff (2004), *Content Analysis*, 2nd ed., pp. 253-256, and
Krippendorff (1995), "On the reliability of unitizing continuous data", *Sociological Methodology*
25, p. 57 ff. We read them (and the example data) from DKPro Statistics' unit tests, which
reproduce them: github.com/dkpro/dkpro-statistics, dkpro-statistics-agreement/src/test/java/org/
dkpro/statistics/agreement/unitizing/Krippendorff2004Test.java and Krippendorff1995Test.java.
Values labelled "DKPro" are that implementation's outputs (not published), a cross-check only.
"""

import math

import numpy as np
import pytest

from peacekeeping_interviews.analysis.unitizing import (
    Continuum,
    Section,
    Segment,
    binary_unitizing_alpha,
    bootstrap_alphas,
    disagreements,
    merge_overlaps,
    section_distance,
    unitizing_alpha,
)


def segs(spans: list[tuple[int, int]], value: str, stretch: int = 1) -> list[Segment]:
    """Segments from (begin, length) pairs, as the sources state them."""
    return [Segment(b * stretch, (b + n) * stretch, value) for b, n in spans]


# --- Krippendorff (2004: 254), two observers i and j, continuum [150, 450), values c and k ------
# Shifted by -150 so that the continuum starts at 0 (the coefficient is shift invariant).


def krippendorff_2004() -> list[Continuum]:
    def shift(spans: list[tuple[int, int]], value: str) -> list[Segment]:
        return segs([(b - 150, n) for b, n in spans], value)

    observer_i = shift([(225, 70), (370, 30)], "c") + shift([(180, 60), (300, 50)], "k")
    observer_j = shift([(220, 80), (355, 20), (400, 20)], "c") + shift([(180, 60), (300, 50)], "k")
    return [Continuum(300, {"i": observer_i, "j": observer_j})]


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # Krippendorff (2004: 254) worked example, pairs of sections of value c
        # (DKPro Krippendorff2004Test.testDistanceMetric2).
        (Section(225, 70, True), Section(220, 80, True), 50),
        (Section(370, 30, True), Section(355, 20, True), 850),
        (Section(400, 50, False), Section(400, 20, True), 400),
        # Krippendorff (2004: 253) illustrations of the distance
        # (DKPro Krippendorff2004Test.testDistanceMetric1).
        (Section(5, 6, True), Section(4, 2, True), 26),
        (Section(5, 6, True), Section(5, 2, True), 16),
        (Section(5, 6, True), Section(6, 2, True), 10),
        (Section(5, 6, True), Section(7, 2, True), 8),
        (Section(5, 6, True), Section(6, 4, True), 2),
        (Section(5, 6, True), Section(5, 6, True), 0),
        # Gap against gap, unit only partly inside a gap, units that do not overlap: 0.
        (Section(0, 5, False), Section(0, 9, False), 0),
        (Section(0, 5, True), Section(3, 9, False), 0),
        (Section(0, 5, True), Section(5, 2, True), 0),
    ],
)
def test_section_distance_published_values(first: Section, second: Section, expected: int) -> None:
    assert section_distance(first, second) == expected
    assert section_distance(second, first) == expected


def test_section_distance_published_sums() -> None:
    # Krippendorff (2004: 253): two ways of pairing the same disagreement both give 40
    # (DKPro Krippendorff2004Test.testDistanceMetric1).
    first = section_distance(Section(2, 3, False), Section(2, 2, True))
    first += section_distance(Section(5, 6, True), Section(4, 7, False))
    second = section_distance(Section(3, 2, False), Section(3, 2, True))
    second += section_distance(Section(5, 6, True), Section(5, 6, False))
    assert first == second == 40


def test_krippendorff_2004_per_value() -> None:
    # Published (2004: 255-256): c: Do = .0144, De = .0532, alpha = .7286;
    # k: Do = 0, De = .0490, alpha = 1 (DKPro Krippendorff2004Test.testCategoryAgreement).
    result = disagreements(krippendorff_2004())
    assert result["c"][0] == pytest.approx(0.0144, abs=1e-4)
    assert result["c"][1] == pytest.approx(0.0532, abs=1e-4)
    assert result["k"][0] == 0.0
    assert result["k"][1] == pytest.approx(0.0490, abs=1e-4)
    assert binary_unitizing_alpha(krippendorff_2004(), "c") == pytest.approx(0.7286, abs=1e-4)
    assert binary_unitizing_alpha(krippendorff_2004(), "k") == 1.0


def test_krippendorff_2004_overall() -> None:
    # Published (2004: 256): u-alpha = 1 - (.0144 + 0) / (.0532 + .0490) = .8591, from the rounded
    # disagreements; unrounded it is .85867 (DKPro Krippendorff2004Test.testAgreement: 0.8591
    # within 0.0005).
    assert unitizing_alpha(krippendorff_2004()) == pytest.approx(0.8591, abs=5e-4)


# --- Krippendorff (1995: 57), four pairs of observers A-D on a continuum of 24 ------------------

PAIRS_1995 = {
    # Bertha / Bill, John / Jill, Gerret / Gill, Heather / Hill, as (begin, length).
    "A": ([(2, 8), (14, 6)], [(4, 4), (15, 2)]),
    "B": ([(0, 18)], [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)]),
    "C": ([(2, 6), (10, 2), (14, 4), (20, 2)], [(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)]),
    "D": ([(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)], [(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)]),
}


def krippendorff_1995(stretch: int) -> list[Continuum]:
    first = [s for v, (a, _) in PAIRS_1995.items() for s in segs(a, v, stretch)]
    second = [s for v, (_, b) in PAIRS_1995.items() for s in segs(b, v, stretch)]
    return [Continuum(24 * stretch, {"first": first, "second": second})]


@pytest.mark.parametrize(
    ("value", "observed"),
    [("A", 0.03125), ("B", 2.26736), ("C", 0.02777), ("D", 0.38715)],
)
def test_krippendorff_1995_observed(value: str, observed: float) -> None:
    # Published Do (1995: 57 ff.; DKPro Krippendorff1995Test.testAgreement, within 1e-5).
    # By hand for A: (2-4)^2 + (10-8)^2 + (14-15)^2 + (20-17)^2 = 18, both orders 36,
    # 36 / (2 * 1 * 24^2) = .03125.
    assert disagreements(krippendorff_1995(1))[value][0] == pytest.approx(observed, abs=1e-5)


@pytest.mark.parametrize(
    ("value", "expected", "alpha", "ours"),
    [
        ("A", 0.06990, 0.553, 0.5529),
        ("B", 1.17731, -0.926, -0.9284),
        ("C", 0.08642, 0.679, 0.6931),
        ("D", 0.41445, 0.066, 0.0659),
    ],
)
def test_krippendorff_1995_expected_and_alpha(
    value: str, expected: float, alpha: float, ours: float
) -> None:
    # Published De and alpha (1995: 57 ff.) treat the continuum as continuous; the discrete
    # 2004 formula approaches them as the example is stretched (here x 50,000, L = 1.2 million),
    # as in DKPro Krippendorff1995Test.testAgreement, whose tolerances (De 0.005, alpha 0.02)
    # we keep. The residual for C (.693 vs .679) is the 1995 De formula's slip that the 2004
    # version corrects (DKPro's note on that test).
    continua = krippendorff_1995(50_000)
    assert disagreements(continua)[value][1] == pytest.approx(expected, abs=0.005)
    assert binary_unitizing_alpha(continua, value) == pytest.approx(alpha, abs=0.02)
    assert binary_unitizing_alpha(continua, value) == pytest.approx(ours, abs=1e-4)


# --- Cross-check against DKPro's own (unpublished) test values ---------------------------------


def test_dkpro_example_two_coders() -> None:
    # DKPro UnitizingAgreementTest.testAgreement: r0 -11111111-, r1 --1-1-1---, L = 10:
    # Do = .9100, De = .5351, alpha = -.7003.
    continua = [
        Continuum(10, {"r0": segs([(1, 8)], "A"), "r1": segs([(2, 1), (4, 1), (6, 1)], "A")})
    ]
    observed, expected = disagreements(continua)["A"]
    assert observed == pytest.approx(0.9100, abs=1e-4)
    assert expected == pytest.approx(0.5351, abs=1e-4)
    assert unitizing_alpha(continua) == pytest.approx(-0.7003, abs=1e-4)


def test_three_coders_single_unit_worked_by_hand() -> None:
    # DKPro UnitizingAgreementTest.testSingleAnnotationUnit: 3 coders, L = 20, only coder a
    # codes [0, 1). By hand: Do: the unit lies inside the gaps of b and c, delta2 = 1 for the
    # ordered pairs (a,b), (b,a), (a,c), (c,a): 4 / (3 * 2 * 20^2) = 1/600.
    # De: N = 1 so the unit-unit term vanishes; gaps 19, 20, 20 give 19 + 20 + 20 = 59
    # placements of the unit: (2/20) * 59 / (60 * 59 - 0) = 1/600. alpha = 1 - 1 = 0.
    continua = [Continuum(20, {"a": [Segment(0, 1, "X")], "b": [], "c": []})]
    observed, expected = disagreements(continua)["X"]
    assert observed == pytest.approx(1 / 600)
    assert expected == pytest.approx(1 / 600)
    assert binary_unitizing_alpha(continua, "X") == pytest.approx(0.0)


# --- Hand-worked cases and properties ----------------------------------------------------------


def test_two_coders_worked_by_hand() -> None:
    # L = 10; a codes [0, 4), b codes [2, 6), both X.
    # Do: only the two units overlap: (0-2)^2 + (4-6)^2 = 8, both orders 16; 16 / (2*1*100) = .08.
    # De: units 4, 4 (N = 2); gaps 6 (a) and 2, 4 (b). Per unit: (2-1)(2*64 - 3*16 + 4)/3 = 28
    # plus 4^2 * [(6-4+1) + (4-4+1)] = 64, so 92, twice 184. De = (2/10) * 184 / (20*19 - 2*12)
    # = 36.8 / 356 = 46/445. alpha = 1 - .08 * 445/46 = 26/115 = .226087.
    continua = [Continuum(10, {"a": [Segment(0, 4, "X")], "b": [Segment(2, 6, "X")]})]
    observed, expected = disagreements(continua)["X"]
    assert observed == pytest.approx(0.08)
    assert expected == pytest.approx(46 / 445)
    assert unitizing_alpha(continua) == pytest.approx(26 / 115)


@pytest.mark.parametrize("coders", [2, 3, 5])
def test_identical_codings_agree_perfectly(coders: int) -> None:
    coding = [Segment(3, 10, "X"), Segment(12, 20, "Y"), Segment(15, 18, "X"), Segment(30, 31, "Y")]
    continua = [Continuum(40, {f"c{n}": coding for n in range(coders)})]
    assert unitizing_alpha(continua) == 1.0
    assert binary_unitizing_alpha(continua, "X") == 1.0


def test_overall_is_pooled_ratio_of_per_value_terms() -> None:
    continua = krippendorff_1995(1)
    pairs = disagreements(continua).values()
    expected = 1 - sum(p[0] for p in pairs) / sum(p[1] for p in pairs)
    assert unitizing_alpha(continua) == pytest.approx(expected)


def test_other_codes_are_gaps_for_one_code() -> None:
    # Adding Y segments somewhere does not change the coefficient for X.
    base = [Continuum(10, {"a": [Segment(0, 4, "X")], "b": [Segment(2, 6, "X")]})]
    more = [
        Continuum(
            10,
            {"a": [Segment(0, 4, "X"), Segment(1, 9, "Y")], "b": [Segment(2, 6, "X")]},
        )
    ]
    assert binary_unitizing_alpha(more, "X") == binary_unitizing_alpha(base, "X")


def test_pooling_equals_end_to_end_concatenation() -> None:
    # Both coders have a unit edge at the transcript boundary, so placing the transcripts end to
    # end creates no section across it: pooling must equal one joined continuum.
    one = Continuum(
        10, {"a": [Segment(0, 4, "X"), Segment(8, 10, "X")], "b": [Segment(2, 10, "X")]}
    )
    two = Continuum(6, {"a": [Segment(0, 3, "X")], "b": [Segment(0, 2, "X"), Segment(4, 6, "X")]})
    joined = Continuum(
        16,
        {
            "a": [Segment(0, 4, "X"), Segment(8, 10, "X"), Segment(10, 13, "X")],
            "b": [Segment(2, 10, "X"), Segment(10, 12, "X"), Segment(14, 16, "X")],
        },
    )
    assert unitizing_alpha([one, two]) == pytest.approx(unitizing_alpha([joined]))


def test_gaps_do_not_cross_transcript_boundaries() -> None:
    # With a gap at the end of one transcript and the start of the next, pooling keeps two gaps
    # (fewer placements for a unit than one merged gap), so it differs from naive concatenation.
    one = Continuum(10, {"a": [Segment(0, 4, "X")], "b": [Segment(0, 5, "X")]})
    two = Continuum(10, {"a": [Segment(6, 10, "X")], "b": [Segment(5, 10, "X")]})
    merged = Continuum(20, {"a": [Segment(0, 4, "X"), Segment(16, 20, "X")],
                            "b": [Segment(0, 5, "X"), Segment(15, 20, "X")]})  # fmt: skip
    pooled = disagreements([one, two])["X"]
    naive = disagreements([merged])["X"]
    assert pooled[0] == pytest.approx(naive[0])
    assert pooled[1] < naive[1]


def test_undefined_without_units() -> None:
    continua = [Continuum(10, {"a": [Segment(0, 4, "X")], "b": []})]
    assert math.isnan(binary_unitizing_alpha(continua, "Y"))
    assert math.isnan(unitizing_alpha([Continuum(10, {"a": [], "b": []})]))


def test_merge_overlaps() -> None:
    merged = merge_overlaps([Segment(5, 9, "X"), Segment(0, 6, "X"), Segment(9, 12, "X")])
    assert merged == [Segment(0, 9, "X"), Segment(9, 12, "X")]
    assert merge_overlaps([Segment(0, 6, "X"), Segment(2, 4, "Y")]) == [
        Segment(0, 6, "X"),
        Segment(2, 4, "Y"),
    ]


@pytest.mark.parametrize(
    "continua",
    [
        [Continuum(10, {"a": [Segment(0, 6, "X"), Segment(5, 8, "X")], "b": []})],
        [Continuum(10, {"a": [Segment(0, 11, "X")], "b": []})],
        [Continuum(10, {"a": []})],
        [Continuum(10, {"a": [], "b": []}), Continuum(10, {"a": [], "c": []})],
        [],
    ],
)
def test_invalid_input_is_refused(continua: list[Continuum]) -> None:
    with pytest.raises(ValueError):
        unitizing_alpha(continua)


def test_segment_validation() -> None:
    with pytest.raises(ValueError):
        Segment(4, 4, "X")
    with pytest.raises(ValueError):
        Segment(-1, 4, "X")


BOOTSTRAP_CONTINUA = [
    Continuum(20, {"a": [Segment(0, 5, "X")], "b": [Segment(1, 5, "X"), Segment(7, 9, "Y")]}),
    Continuum(30, {"a": [Segment(3, 9, "X"), Segment(12, 20, "Y")], "b": [Segment(3, 12, "X")]}),
    Continuum(20, {"a": [Segment(10, 15, "X")], "b": [Segment(9, 15, "X")]}),
    Continuum(25, {"a": [Segment(0, 20, "Y")], "b": [Segment(2, 18, "Y")]}),
]


def test_bootstrap_with_each_transcript_once_is_the_estimate() -> None:
    alphas = bootstrap_alphas(BOOTSTRAP_CONTINUA, ["X", "Y"], np.ones((1, 4)))
    expected = [
        binary_unitizing_alpha(BOOTSTRAP_CONTINUA, "X"),
        binary_unitizing_alpha(BOOTSTRAP_CONTINUA, "Y"),
        unitizing_alpha(BOOTSTRAP_CONTINUA),
    ]
    assert alphas[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("drawn", [[2, 1, 0, 1], [0, 0, 4, 0], [1, 3, 0, 0], [0, 2, 1, 1]])
def test_a_resample_is_the_estimate_on_the_transcripts_it_drew(drawn: list[int]) -> None:
    """Weighting sections by draws equals copying the drawn transcripts (the exact path)."""
    copies = [c for c, n in zip(BOOTSTRAP_CONTINUA, drawn, strict=True) for _ in range(n)]
    alphas = bootstrap_alphas(BOOTSTRAP_CONTINUA, ["X", "Y"], np.array([drawn]))[0]
    expected = [binary_unitizing_alpha(copies, "X"), binary_unitizing_alpha(copies, "Y")]
    expected.append(unitizing_alpha(copies))
    assert alphas == pytest.approx(expected, rel=1e-12, nan_ok=True)
