"""Tests for the saturation stage.

References: hand-worked sequences and matrices (expected values computed here from the published
formulas with exact fractions), brute-force loops (accumulation over random orders, Guest runs,
leave-one-out jackknife), and R vegan 2.6-4 (``specpool`` and ``specaccum(method = "exact")``)
through ``tests/references/vegan_specpool.R`` when Rscript and vegan are available.
"""

from __future__ import annotations

import io
import json
import math
import shutil
import subprocess
import tracemalloc
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, missing_tool

from peacekeeping_interviews.analysis.release import incidence_matrix, read_release
from peacekeeping_interviews.analysis.saturation import (
    GridPoint,
    SaturationOutputs,
    accumulation_curve,
    bootstrap_richness,
    chao2,
    chao2_bias_corrected,
    curves_for_positions,
    expected_accumulation,
    guest_outcome,
    guest_runs,
    guest_saturation_points,
    ice,
    jackknife1,
    jackknife2,
    new_information,
    new_information_figure,
    random_order_curves,
    random_positions,
    run_saturation,
    subgroup_tables,
)
from peacekeeping_interviews.problems import InputError

SCHEMA_DIR = ROOT / "workflow" / "schemas"
VEGAN_SCRIPT = ROOT / "tests" / "references" / "vegan_specpool.R"


def incidence_from_new_codes(new_per_interview: list[int]) -> np.ndarray:
    """An interview x code matrix in which interview i introduces ``new_per_interview[i]`` codes
    and also repeats every code seen before (repeats never change the accumulation)."""
    total = sum(new_per_interview)
    matrix = np.zeros((len(new_per_interview), total), dtype=bool)
    seen = 0
    for row, new in enumerate(new_per_interview):
        matrix[row, : seen + new] = True
        seen += new
    return matrix


# A sequence worked by hand with Guest et al.'s rules: the base of 4 interviews holds
# 8 + 6 + 4 + 2 = 20 codes, so one new code in a run is exactly 5% of the base.
GUEST_SEQUENCE = [8, 6, 4, 2, 3, 1, 0, 1, 0, 0, 1, 0, 0, 0]


def test_accumulation_counts_distinct_codes_in_order():
    incidence = np.array(
        [
            [1, 0, 0, 1],
            [1, 1, 0, 0],
            [0, 0, 0, 1],
            [0, 1, 1, 0],
        ],
        dtype=bool,
    )
    assert accumulation_curve(incidence).tolist() == [2, 3, 3, 4]
    assert accumulation_curve(incidence[::-1]).tolist() == [2, 3, 4, 4]


def test_guest_runs_follow_the_hand_worked_sequence():
    curve = accumulation_curve(incidence_from_new_codes(GUEST_SEQUENCE))
    before, base_codes, new = guest_runs(curve, base_size=4, run_length=2)
    # Runs of two after the base: interviews 5-6, 6-7, ..., 13-14.
    assert before.tolist() == list(range(4, 13))
    assert base_codes.tolist() == [20]
    assert new[0].tolist() == [4, 1, 1, 1, 0, 1, 1, 0, 0]
    proportion = new_information(new, base_codes)
    assert proportion[0].tolist() == [float(Fraction(k, 20)) for k in [4, 1, 1, 1, 0, 1, 1, 0, 0]]
    assert np.isnan(new_information(new, np.array([0]))).all()


@pytest.mark.parametrize(
    ("base_size", "run_length", "threshold", "point"),
    [
        # 5-6 add 4 of 20 (20%); 6-7 add 1 (5%): saturation at 5, confirmed by 6 and 7.
        (4, 2, 0.05, 5),
        # 7-8 and 8-9 add one each; 9-10 add none: saturation at 8 ("8+2").
        (4, 2, 0.0, 8),
        # 5-7: 4 (20%), 6-8: 2 (10%), 7-9: 1 (5%): saturation at 6 ("6+3").
        (4, 3, 0.05, 6),
        # Runs of three keep meeting interview 8 or 11 until 12-14, which adds nothing.
        (4, 3, 0.0, 11),
        # Base of six: 20 + 3 + 1 = 24 codes; 7-8 add 1 (4.2%): saturation at 6.
        (6, 2, 0.05, 6),
    ],
)
def test_guest_saturation_point_matches_hand_worked_sequence(
    base_size, run_length, threshold, point
):
    curve = accumulation_curve(incidence_from_new_codes(GUEST_SEQUENCE))
    outcome = guest_outcome(curve, GridPoint(base_size, run_length, threshold))
    assert outcome["saturation_point"] == point
    assert outcome["interviews_with_run"] == point + run_length
    assert outcome["notation"] == f"{point}+{run_length}"
    assert outcome["reason"] == ""


def test_guest_reports_why_saturation_is_not_reached():
    never = accumulation_curve(incidence_from_new_codes([3, 3, 3, 3, 2, 2, 2, 2]))
    outcome = guest_outcome(never, GridPoint(4, 2, 0.05))
    assert outcome["saturation_point"] is None
    assert "no complete run of 2 interviews" in outcome["reason"]

    short = guest_outcome(never[:5], GridPoint(4, 2, 0.05))
    assert short["saturation_point"] is None
    assert "one run needs 6" in short["reason"]

    empty_base = np.array([0, 0, 0, 0, 1, 1, 1])
    assert "no code found in the base" in guest_outcome(empty_base, GridPoint(4, 2, 0.0))["reason"]


def test_threshold_is_inclusive_and_exact_at_the_boundary():
    # A base of 3 codes; interview 4 adds one code (a third of the base), interview 5 none.
    curve = np.array([1, 2, 3, 4, 4])
    assert guest_saturation_points(curve, 3, 1, 1 / 3).tolist() == [3]
    assert guest_saturation_points(curve, 3, 1, 0.33).tolist() == [4]


def test_guest_reason_prints_the_threshold_unrounded():
    never = accumulation_curve(incidence_from_new_codes([10, 10, 10, 10, 2, 2, 2, 2]))
    outcome = guest_outcome(never, GridPoint(4, 2, 0.025))
    assert "adds at most 2.5% of the base's 40 codes" in outcome["reason"]


def test_random_positions_are_seeded_permutations():
    positions = random_positions(7, orders=20, seed=5)
    assert positions.shape == (20, 7)
    assert (np.sort(positions, axis=1) == np.arange(7)).all()
    assert (positions == random_positions(7, orders=20, seed=5)).all()
    assert not (positions == random_positions(7, orders=20, seed=6)).all()


def naive_curve(incidence: np.ndarray, order: np.ndarray) -> list[int]:
    seen: set[int] = set()
    curve = []
    for interview in order:
        seen |= set(np.flatnonzero(incidence[interview]).tolist())
        curve.append(len(seen))
    return curve


def naive_guest_point(curve: list[int], base: int, run: int, threshold: float) -> float:
    base_codes = curve[base - 1]
    for before in range(base, len(curve) - run + 1):
        new = curve[before + run - 1] - curve[before - 1]
        if base_codes and new / base_codes <= threshold:
            return before
    return math.nan


@pytest.fixture
def small_incidence() -> np.ndarray:
    rng = np.random.default_rng(11)
    incidence = rng.random((25, 9)) < np.linspace(0.03, 0.6, 9)
    incidence[:, 0] = False  # a code no interview carries
    return incidence


def test_vectorised_random_orders_equal_a_naive_loop(small_incidence):
    positions = random_positions(25, orders=200, seed=3)
    curves = curves_for_positions(small_incidence, positions)
    expected = [naive_curve(small_incidence, np.argsort(row)) for row in positions]
    assert curves.tolist() == expected
    assert (random_order_curves(small_incidence, 200, 3) == curves).all()


@pytest.mark.parametrize(("base", "run", "threshold"), [(4, 2, 0.05), (6, 3, 0.0), (2, 1, 0.1)])
def test_vectorised_guest_points_equal_a_naive_loop(small_incidence, base, run, threshold):
    curves = random_order_curves(small_incidence, 300, seed=8)
    points = guest_saturation_points(curves, base, run, threshold)
    expected = [naive_guest_point(c.tolist(), base, run, threshold) for c in curves]
    np.testing.assert_array_equal(points, expected)


def test_exact_expected_curve_matches_binomial_formula(small_incidence):
    n = small_incidence.shape[0]
    frequencies = small_incidence.sum(axis=0).tolist()
    expected = [
        sum(1 - Fraction(math.comb(n - f, k), math.comb(n, k)) for f in frequencies)
        for k in range(1, n + 1)
    ]
    np.testing.assert_allclose(expected_accumulation(small_incidence), [float(e) for e in expected])


def test_random_order_mean_approaches_the_exact_expectation(small_incidence):
    curves = random_order_curves(small_incidence, 20000, seed=1)
    np.testing.assert_allclose(
        curves.mean(axis=0), expected_accumulation(small_incidence), atol=0.05
    )


def test_thousand_orders_of_210_interviews_each_end_at_every_code_found():
    rng = np.random.default_rng(2)
    incidence = rng.random((210, 29)) < rng.uniform(0.02, 0.7, 29)
    curves = random_order_curves(incidence, 1000, seed=20230901)
    assert curves.shape == (1000, 210)
    assert (curves[:, -1] == incidence.any(axis=0).sum()).all()


def test_random_order_curves_hold_the_smallest_integers():
    rng = np.random.default_rng(2)
    incidence = rng.random((2000, 29)) < rng.uniform(0.02, 0.7, 29)
    tracemalloc.start()
    try:
        curves = random_order_curves(incidence, 1000, seed=1)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert curves.dtype == np.int8
    # Positions (2 bytes each), curves (1 byte) and one code's positions: about 9 MB. With
    # int32 positions and curves and an int64 count per position it was about 40 MB.
    assert peak < 12e6


def test_curves_count_past_the_range_of_one_byte():
    curves = random_order_curves(np.eye(300, dtype=bool), 3, seed=1)
    assert curves.dtype == np.int16
    assert curves.tolist() == [list(range(1, 301))] * 3


def test_new_information_figure_draws_twenty_thousand_runs():
    runs = pd.DataFrame(
        {
            "base_size": 4,
            "run_length": 2,
            "first_interview": np.arange(5, 20005),
            "proportion_new": np.random.default_rng(1).random(20000) / 10,
        }
    )
    drawn = new_information_figure(runs, [0.05, 0.0], synthetic=True)
    assert drawn["png"].startswith(b"\x89PNG")


# --- richness estimators, by hand ----------------------------------------------------------------

# Six interviews; code frequencies 1, 1, 1, 2, 2, 3, 6, 0 -> S = 7, Q1 = 3, Q2 = 2.
HAND = np.array(
    [
        [1, 0, 0, 1, 0, 1, 1, 0],
        [0, 1, 0, 1, 1, 0, 1, 0],
        [0, 0, 0, 0, 1, 1, 1, 0],
        [0, 0, 1, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 1, 1, 0],
        [0, 0, 0, 0, 0, 0, 1, 0],
    ],
    dtype=bool,
)


def test_hand_matrix_has_the_intended_frequencies():
    assert HAND.sum(axis=0).tolist() == [1, 1, 1, 2, 2, 3, 6, 0]


def test_chao2_by_hand():
    m, s, q1, q2 = 6, 7, 3, 2
    a = Fraction(m - 1, m)
    expected = s + a * q1 * q1 / (2 * q2)
    g = Fraction(q1, q2)
    variance = q1 * (a * a * g**3 / 4 + a * a * g**2 + a * g / 2)
    result = chao2(HAND)
    assert result.estimate == pytest.approx(float(expected))
    assert result.se == pytest.approx(math.sqrt(variance))


def test_chao2_switches_to_bias_corrected_form_without_duplicates():
    incidence = HAND.copy()
    incidence[1, 3] = False  # code 3: 2 -> 1
    incidence[2, 4] = False  # code 4: 2 -> 1; Q1 = 5, Q2 = 0
    m, s, q1 = 6, 7, 5
    a = Fraction(m - 1, m)
    expected = s + a * q1 * (q1 - 1) / 2
    variance = a * (a * (Fraction(q1 * (2 * q1 - 1) ** 2, 4) - Fraction(q1**4) / expected / 4))
    variance += a * Fraction(q1 * (q1 - 1), 2)
    result = chao2(incidence)
    assert result.estimate == pytest.approx(float(expected))
    assert result.se == pytest.approx(math.sqrt(variance))


def test_bias_corrected_chao2_by_hand():
    m, s, q1, q2 = 6, 7, 3, 2
    k = Fraction(m - 1, m)
    expected = s + k * q1 * (q1 - 1) / (2 * (q2 + 1))
    variance = (
        k * q1 * (q1 - 1) / (2 * (q2 + 1))
        + k**2 * q1 * (2 * q1 - 1) ** 2 / (4 * (q2 + 1) ** 2)
        + k**2 * q1**2 * q2 * (q1 - 1) ** 2 / (4 * (q2 + 1) ** 4)
    )
    result = chao2_bias_corrected(HAND)
    assert result.estimate == pytest.approx(float(expected))  # 7 + 5/6 * 6/6 = 7.8333
    assert result.se == pytest.approx(math.sqrt(variance))


@pytest.mark.parametrize("columns", [[3, 4, 5, 6], [0, 3, 4, 5, 6]], ids=["Q1=0", "Q1=1"])
def test_bias_corrected_chao2_without_two_uniques_has_spader_variance_of_s(columns):
    """SpadeR's SpecInciChao2bc: where the estimate is S, the variance of S itself,
    sum_j [e^-f_j - e^-2f_j] - (sum_j f_j e^-f_j)^2 / m."""
    incidence = HAND[:, columns]
    frequencies = incidence.sum(axis=0).tolist()
    m = incidence.shape[0]
    variance = sum(math.exp(-f) - math.exp(-2 * f) for f in frequencies)
    variance -= sum(f * math.exp(-f) for f in frequencies) ** 2 / m
    result = chao2_bias_corrected(incidence)
    assert result.estimate == len(columns)
    assert result.se == pytest.approx(math.sqrt(variance))
    assert result.se > 0


def test_jackknives_by_hand():
    m, s, q1, q2 = 6, 7, 3, 2
    assert jackknife1(HAND).estimate == pytest.approx(float(s + q1 * Fraction(m - 1, m)))
    jack2 = s + q1 * Fraction(2 * m - 3, m) - q2 * Fraction((m - 2) ** 2, m * (m - 1))
    assert jackknife2(HAND).estimate == pytest.approx(float(jack2))
    assert jackknife2(HAND).se is None


def test_first_order_jackknife_se_is_the_leave_one_out_jackknife_variance():
    rng = np.random.default_rng(4)
    incidence = rng.random((12, 15)) < 0.15
    m = incidence.shape[0]
    leave_one_out = np.array(
        [np.delete(incidence, i, axis=0).any(axis=0).sum() for i in range(m)], dtype=float
    )
    variance = (m - 1) / m * ((leave_one_out - leave_one_out.mean()) ** 2).sum()
    assert jackknife1(incidence).se == pytest.approx(math.sqrt(variance))


def test_ice_by_hand():
    # All seven observed codes are infrequent (<= 10 interviews). N_infr = 1+1+1+2+2+3+6 = 16,
    # C = 1 - 3/16 = 13/16, sum j(j-1)Q_j = 2*2*1 + 3*2 + 6*5 = 40, and all six interviews
    # carry an infrequent code (m_infr = 6).
    s_infr, q1, n_infr, m_infr, sum_jj = 7, 3, 16, 6, 40
    coverage = 1 - Fraction(q1, n_infr)
    gamma2 = max(
        Fraction(s_infr) / coverage * Fraction(m_infr, m_infr - 1) * Fraction(sum_jj, n_infr**2)
        - 1,
        Fraction(0),
    )
    expected = s_infr / coverage + q1 / coverage * gamma2
    result = ice(HAND)
    assert result.estimate == pytest.approx(float(expected))
    assert result.se is None


def test_ice_separates_frequent_codes_and_handles_edges():
    # With a cut-off of 2, codes seen 3 and 6 times are frequent: S_freq = 2, S_infr = 5,
    # N_infr = 7, C = 4/7, sum j(j-1)Q_j = 4, interviews with an infrequent code: 1-4 (4).
    coverage = Fraction(4, 7)
    gamma2 = max(5 / coverage * Fraction(4, 3) * Fraction(4, 49) - 1, Fraction(0))
    expected = 2 + 5 / coverage + 3 / coverage * gamma2
    assert ice(HAND, infrequent_max=2).estimate == pytest.approx(float(expected))

    only_uniques = np.eye(4, dtype=bool)
    assert ice(only_uniques).estimate is None
    assert "undefined" in ice(only_uniques).note


def test_bootstrap_by_hand():
    m = 6
    frequencies = [1, 1, 1, 2, 2, 3, 6]
    expected = 7 + sum((1 - Fraction(f, m)) ** m for f in frequencies)
    assert bootstrap_richness(HAND).estimate == pytest.approx(float(expected))


def test_every_code_in_every_interview_leaves_nothing_unseen():
    everything = np.ones((8, 5), dtype=bool)
    for estimator in (chao2, chao2_bias_corrected, ice, jackknife1, jackknife2):
        assert estimator(everything).estimate == pytest.approx(5)
    assert bootstrap_richness(everything).estimate == pytest.approx(5)
    assert chao2(everything).se == 0
    assert jackknife1(everything).se == 0


# --- R vegan -------------------------------------------------------------------------------------


def vegan_reference(incidence: np.ndarray, folder: Path) -> pd.DataFrame:
    """specpool() and specaccum(method = "exact") of R vegan on the same matrix."""
    if shutil.which("Rscript") is None:
        missing_tool("Rscript is not installed (Debian r-cran-vegan)")
    path = folder / "incidence.csv"
    columns = [f"code{j}" for j in range(incidence.shape[1])]
    pd.DataFrame(incidence.astype(int), columns=columns).to_csv(path, index=False)
    result = subprocess.run(
        ["Rscript", str(VEGAN_SCRIPT), str(path)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0 and "vegan" in result.stderr:
        missing_tool(f"R package vegan cannot be loaded: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    return pd.read_csv(io.StringIO(result.stdout))


@pytest.fixture(scope="module", params=["duplicates", "no_duplicates"])
def vegan_case(request, tmp_path_factory) -> tuple[np.ndarray, pd.DataFrame]:
    """A 30 x 20 matrix with three uniques, with duplicates (vegan's basic Chao) or without
    (its bias-corrected switch), and vegan's results for it."""
    rng = np.random.default_rng(7)
    incidence = rng.random((30, 20)) < rng.uniform(0.02, 0.5, 20)
    incidence[:, :4] = False
    incidence[[2, 9, 17], [0, 1, 2]] = True
    incidence[[4, 5], 3] = True
    if request.param == "no_duplicates":
        incidence[:, incidence.sum(axis=0) == 2] = True
    duplicates = int((incidence.sum(axis=0) == 2).sum())
    assert (duplicates > 0) == (request.param == "duplicates")
    return incidence, vegan_reference(incidence, tmp_path_factory.mktemp("vegan"))


def test_estimators_agree_with_vegan_specpool(vegan_case):
    incidence, reference = vegan_case
    pool = reference[reference["position"] == 0].set_index("quantity")["value"]
    assert chao2(incidence).estimate == pytest.approx(pool["chao"], rel=1e-12)
    assert chao2(incidence).se == pytest.approx(pool["chao.se"], rel=1e-12)
    assert jackknife1(incidence).estimate == pytest.approx(pool["jack1"], rel=1e-12)
    assert jackknife2(incidence).estimate == pytest.approx(pool["jack2"], rel=1e-12)
    assert bootstrap_richness(incidence).estimate == pytest.approx(pool["boot"], rel=1e-12)
    assert bootstrap_richness(incidence).se == pytest.approx(pool["boot.se"], rel=1e-12)


def test_jackknife_se_differs_from_vegan_by_its_q1_term(vegan_case):
    """vegan's jack1 variance subtracts Q1/m where the jackknife variance subtracts Q1^2/m."""
    incidence, reference = vegan_case
    pool = reference[reference["position"] == 0].set_index("quantity")["value"]
    m, q1 = incidence.shape[0], int((incidence.sum(axis=0) == 1).sum())
    difference = (m - 1) / m * (q1 * q1 - q1) / m
    assert pool["jack1.se"] ** 2 - jackknife1(incidence).se ** 2 == pytest.approx(difference)


def test_exact_expected_curve_agrees_with_vegan_specaccum(vegan_case):
    incidence, reference = vegan_case
    exact = reference[reference["quantity"] == "specaccum_exact"]["value"].to_numpy()
    np.testing.assert_allclose(expected_accumulation(incidence), exact, rtol=1e-12)


# --- subgroups and the stage ---------------------------------------------------------------------


def test_subgroups_keep_withheld_values_and_flag_missing_factors(mini_release_paths):
    release = read_release(**mini_release_paths, schema_dir=SCHEMA_DIR)
    interviews = release.interviews.copy()
    interviews["level"] = ["*", "*"] + ["officer"] * (len(interviews) - 2)
    factors = release.codebook.ids("factor")
    incidence = pd.DataFrame(False, index=interviews["pseudonym"], columns=release.codebook.ids())
    incidence.iloc[0, incidence.columns.get_loc(factors[0])] = True
    incidence.iloc[2:, incidence.columns.get_indexer(factors[1:])] = True
    coverage, saturation = subgroup_tables(
        incidence, interviews, release.codebook, ["level"], [GridPoint(4, 2, 0.05)]
    )
    withheld = coverage[coverage["value"] == "*"].set_index("factor")
    assert withheld["withheld"].all()
    assert (withheld["n_interviews"] == 2).all()
    assert withheld.loc[factors[0], "n_mentioning"] == 1
    assert (withheld.loc[factors[1:], "n_mentioning"] == 0).all()
    officers = coverage[coverage["value"] == "officer"].set_index("factor")
    assert officers.loc[factors[0], "n_mentioning"] == 0
    assert (officers.loc[factors[1:], "n_mentioning"] == len(interviews) - 2).all()
    assert set(saturation["value"]) == {"*", "officer"}
    assert saturation.set_index("value").loc["*", "reason"].startswith("only 2 interviews")


def test_run_saturation_on_the_mini_release_is_consistent_and_byte_identical(
    mini_release_paths, project_config, tmp_path
):
    release = read_release(**mini_release_paths, schema_dir=SCHEMA_DIR)
    settings = dict(project_config["saturation"], orders=200)
    first, second = SaturationOutputs.under(tmp_path / "a"), SaturationOutputs.under(tmp_path / "b")
    run_saturation(release, settings, first)
    run_saturation(release, settings, second)
    for name, path in vars(first).items():
        assert path.read_bytes() == getattr(second, name).read_bytes(), name

    numbers = json.loads(first.numbers.read_text(encoding="utf-8"), parse_constant=refuse)
    coded = release.coding.groupby("pseudonym")["code"].apply(set)
    assert numbers["synthetic"] is True
    assert numbers["n_interviews"] == len(release.interviews) == 12
    assert numbers["n_codes_in_codebook"] == len(release.codebook.codes)
    assert numbers["n_codes_observed"] == len(set().union(*coded))
    grid = len(settings["base_sizes"]) * len(settings["run_lengths"]) * len(settings["thresholds"])
    assert len(numbers["guest_saturation"]) == grid
    assert set(numbers["richness"]) == {
        "chao2",
        "chao2_bias_corrected",
        "ice",
        "jackknife1",
        "jackknife2",
        "bootstrap",
    }

    accumulation = pd.read_csv(first.accumulation)
    overall = accumulation[accumulation["code_group"] == "all_codes"]
    assert overall["pseudonym"].tolist() == release.interviews["pseudonym"].tolist()
    seen: set[str] = set()
    for pseudonym, cumulative in zip(overall["pseudonym"], overall["cumulative_codes"]):
        seen |= coded.get(pseudonym, set())
        assert cumulative == len(seen)

    counts = pd.read_csv(first.order_effect_saturation_counts)
    assert (counts.groupby(["base_size", "run_length", "threshold"])["orders"].sum() == 200).all()
    curve = pd.read_csv(first.order_effect_curve)
    assert (curve["lower"] <= curve["mean"]).all() and (curve["mean"] <= curve["upper"]).all()
    assert first.accumulation_png.read_bytes().startswith(b"\x89PNG")
    assert b"<svg" in first.new_information_svg.read_bytes()


def refuse(constant: str) -> None:
    raise AssertionError(f"{constant} in numbers.json")


def test_undefined_shares_are_null_in_json_and_empty_in_csv(
    mini_release_paths, project_config, tmp_path
):
    """No code found at all: every share of new information and every ratio is undefined."""
    release = read_release(**mini_release_paths, schema_dir=SCHEMA_DIR)
    outputs = SaturationOutputs.under(tmp_path)
    uncoded = replace(release, coding=release.coding[0:0])
    run_saturation(uncoded, dict(project_config["saturation"], orders=50), outputs)
    numbers = json.loads(outputs.numbers.read_text(encoding="utf-8"), parse_constant=refuse)
    assert numbers["richness"]["chao2"]["observed_ratio"] is None
    assert all(o["saturation_point"] is None for o in numbers["guest_saturation"])
    runs = pd.read_csv(outputs.guest_runs)
    assert len(runs) and runs["proportion_new"].isna().all()
    for path in vars(outputs).values():
        if path.suffix == ".csv":
            assert "nan" not in path.read_text(encoding="utf-8").lower()


def test_an_empty_release_stops_with_nothing_written(mini_release_paths, project_config, tmp_path):
    release = read_release(**mini_release_paths, schema_dir=SCHEMA_DIR)
    empty = replace(release, interviews=release.interviews.iloc[0:0], coding=release.coding[0:0])
    outputs = SaturationOutputs.under(tmp_path)
    with pytest.raises(InputError, match="at least one interview"):
        run_saturation(empty, project_config["saturation"], outputs)
    assert not outputs.numbers.parent.exists()


def test_saturation_follows_the_order_the_interviews_were_conducted(example_release):
    """Read independently from the confidential example (dates, then ids), the accumulation
    curve is the one the release gives, and its headline point, base 4, run 2, at most 5% new, is
    8+2, as an outside reading of the example in true order found (the earlier release, ordered
    by pseudonym within each month, gave 10+2)."""
    example = ROOT / "data/example"
    interviews = pd.read_csv(example / "interviews.csv", dtype=str, keep_default_na=False)
    coding = pd.read_csv(example / "coding.csv", dtype=str, keep_default_na=False)
    in_true_order = interviews.sort_values(["date", "interview_id"])["interview_id"]
    found = pd.crosstab(coding["interview_id"], coding["code"]) > 0
    codes = list(example_release.codebook.ids())
    true_incidence = found.reindex(index=in_true_order, columns=codes, fill_value=False)
    released = incidence_matrix(example_release).to_numpy()
    assert np.array_equal(
        accumulation_curve(true_incidence.to_numpy()), accumulation_curve(released)
    )
    headline = guest_outcome(accumulation_curve(released), GridPoint(4, 2, 0.05))
    assert headline["notation"] == "8+2"
