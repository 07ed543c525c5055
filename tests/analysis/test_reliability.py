"""Inter-coder reliability against published worked examples, hand-worked data and peers."""

import json
from collections import defaultdict

import krippendorff
import numpy as np
import pandas as pd
import pytest
from conftest import SCHEMA_DIR
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.inter_rater import cohens_kappa as statsmodels_kappa

from peacekeeping_interviews.analysis.bootstrap import resample_weights
from peacekeeping_interviews.analysis.release import PublicRelease, read_release
from peacekeeping_interviews.analysis.reliability import (
    ReliabilityOutputs,
    agreement_table,
    alpha_table,
    coder_pairs,
    cohens_kappa,
    disagreement_table,
    double_coded,
    nominal_alpha,
    run_reliability,
    value_counts,
    weighted_nominal_alphas,
)
from peacekeeping_interviews.codebook import Code, Codebook
from peacekeeping_interviews.problems import InputError

SETTINGS = {"bootstrap_samples": 1000, "seed": 20230903, "confidence": 0.95}

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C (nominal data, any
# number of observers, missing values): observers A-D by units 1-12; None = not coded.
KRIPPENDORFF_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}

# Small double-coded data: (segment, coder, code, direction). Every pair and the 3-coder case.
SMALL = [
    (1, "a", "x", "conciliatory"),
    (1, "b", "x", "conciliatory"),
    (2, "a", "x", "confrontational"),
    (2, "b", "y", "confrontational"),
    (3, "a", "y", "none"),
    (3, "b", "y", "none"),
    (3, "c", "y", "confrontational"),
    (4, "b", "z", "none"),
    (4, "c", "x", "none"),
    (5, "a", "y", "confrontational"),
    (5, "c", "y", "confrontational"),
    (6, "a", "x", "conciliatory"),
    (6, "b", "x", "conciliatory"),
    (6, "c", "z", "conciliatory"),
    (7, "a", "z", "none"),
]
SMALL_CODES = ["x", "y", "z", "w"]  # w is never used


def hand_release(rows, codes=SMALL_CODES, pseudonym="P-1") -> PublicRelease:
    """A release built by hand: one or more interviews, rows (segment, coder, code, direction)
    or (pseudonym, segment, coder, code, direction)."""
    rows = [row if len(row) == 5 else (pseudonym, *row) for row in rows]
    coding = pd.DataFrame(rows, columns=["pseudonym", "segment", "coder", "code", "direction"])
    coding["excerpt"] = "an excerpt that must not reach the outputs"
    people = list(dict.fromkeys(coding["pseudonym"]))
    interviews = pd.DataFrame({"pseudonym": people, "collection_order": range(1, len(people) + 1)})
    book = Codebook(
        framework_id="test",
        title="test",
        source="test",
        categories=(("c", "C"),),
        codes=tuple(Code(code, code.upper(), "factor", "c") for code in codes),
    )
    return PublicRelease(interviews=interviews, coding=coding, codebook=book, synthetic=False)


def coincidence_alpha(units: list[list[str]]) -> float:
    """Nominal alpha written out from Krippendorff (2011): every ordered pair of values from
    different coders of a unit adds 1 / (m_u - 1) to the coincidence o[c, k]; alpha =
    1 - D_o / D_e = 1 - sum_{c!=k} o_ck / (sum_{c!=k} n_c n_k / (n - 1))."""
    coincidences: dict[tuple[str, str], float] = defaultdict(float)
    for values in units:
        if len(values) < 2:
            continue
        for i, first in enumerate(values):
            for j, second in enumerate(values):
                if i != j:
                    coincidences[first, second] += 1 / (len(values) - 1)
    totals: dict[str, float] = defaultdict(float)
    for (first, _), count in coincidences.items():
        totals[first] += count
    n = sum(totals.values())
    observed = sum(count for (c, k), count in coincidences.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k) / (n - 1)
    return 1 - observed / expected


def small_units(column: str, keep=lambda unit: True, value=lambda v: v) -> list[list[str]]:
    frame = pd.DataFrame(SMALL, columns=["segment", "coder", "code", "direction"])
    return [
        [value(v) for v in unit[column]]
        for _, unit in frame.groupby("segment")
        if len(unit) >= 2 and keep(unit)
    ]


def krippendorff_2011_release() -> PublicRelease:
    rows = [
        (unit, coder, str(value), "none")
        for coder, values in KRIPPENDORFF_2011.items()
        for unit, value in enumerate(values, start=1)
        if value is not None
    ]
    return hand_release(rows, codes=["1", "2", "3", "4", "5"])


def test_krippendorff_2011_nominal_example():
    double = double_coded(krippendorff_2011_release())
    counts = value_counts(double, "code", ["1", "2", "3", "4", "5"])
    # Unit 12 has one value only: it is not double-coded and not pairable.
    assert len(counts) == 11
    # The published marginals of the coincidence matrix: n_c = 9, 13, 10, 5, 3; n.. = 40.
    assert counts.sum(axis=0).tolist() == [9, 13, 10, 5, 3]
    assert round(nominal_alpha(counts), 3) == 0.743
    units = [[str(v) for v in unit] for unit in zip(*KRIPPENDORFF_2011.values(), strict=True)]
    units = [[v for v in unit if v != "None"] for unit in units]
    assert round(coincidence_alpha(units), 3) == 0.743
    assert weighted_nominal_alphas(counts, np.ones((1, 11), int))[0] == pytest.approx(
        nominal_alpha(counts), abs=1e-12
    )


def test_hand_worked_alpha():
    # Units [x, x], [y, y], [x, y]: o_xx = o_yy = 2, o_xy = o_yx = 1, n_x = n_y = 3, n = 6;
    # alpha = 1 - (n - 1)(n - o_xx - o_yy) / (n^2 - n_x^2 - n_y^2) = 1 - 5 * 2 / 18 = 4/9.
    values = {1: ("x", "x"), 2: ("y", "y"), 3: ("x", "y")}
    release = hand_release(
        [
            (unit, coder, code, "none")
            for unit, codes in values.items()
            for coder, code in zip("ab", codes, strict=True)
        ]
    )
    alphas = alpha_table(double_coded(release), SMALL_CODES, SETTINGS)
    overall = alphas.set_index(["measure", "scope"]).loc[("code", "overall")]
    assert overall["alpha"] == round(4 / 9, 4)
    assert (overall["n_units"], overall["n_pairable_values"]) == (3, 6)


def test_per_code_alpha_matches_a_hand_written_coincidence_matrix():
    alphas = alpha_table(double_coded(hand_release(SMALL)), SMALL_CODES, SETTINGS)
    table = alphas.set_index(["measure", "scope"])
    for code in ["x", "y", "z"]:
        presence = small_units("code", value=lambda v, code=code: str(v == code))
        assert table.loc[("code", code), "alpha"] == round(coincidence_alpha(presence), 4)
        assert table.loc[("code", code), "n_units"] == 6  # segment 7 has one coder
    assert table.loc[("code", "overall"), "alpha"] == round(
        coincidence_alpha(small_units("code")), 4
    )
    assert table.loc[("direction", "overall"), "alpha"] == round(
        coincidence_alpha(small_units("direction")), 4
    )
    # Direction per code: the segments to which every coder gave the code (y: segments 3 and 5).
    agreed_y = small_units("direction", keep=lambda unit: (unit["code"] == "y").all())
    assert len(agreed_y) == 2
    assert table.loc[("direction", "y"), "alpha"] == round(coincidence_alpha(agreed_y), 4)


def test_unused_code_and_no_variation_give_null_with_a_reason():
    alphas = alpha_table(double_coded(hand_release(SMALL)), SMALL_CODES, SETTINGS)
    table = alphas.set_index(["measure", "scope"])
    for scope in [("code", "w"), ("direction", "w"), ("direction", "x")]:
        assert pd.isna(table.loc[scope, "alpha"]) and pd.isna(table.loc[scope, "ci_lower"])
        assert table.loc[scope, "note"]
    assert "no coder assigned" in table.loc[("code", "w"), "note"]
    # x agreed on segments 1 and 6, all conciliatory there: no variation.
    assert "'conciliatory'" in table.loc[("direction", "x"), "note"]


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 12).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.integers(0, 3), min_size=4, max_size=4), min_size=n, max_size=n),
            st.lists(st.integers(0, 4), min_size=n, max_size=n),
        )
    )
)
def test_weighted_alpha_equals_the_package_on_the_resampled_units(data):
    counts, weights = np.array(data[0]), np.array(data[1])
    repeated = np.repeat(counts, weights, axis=0)
    pairable = repeated[repeated.sum(axis=1) >= 2]
    result = weighted_nominal_alphas(counts, weights[None, :])[0]
    if (pairable.sum(axis=0) > 0).sum() < 2:
        assert np.isnan(result)
    else:
        expected = krippendorff.alpha(value_counts=repeated, level_of_measurement="nominal")
        assert result == pytest.approx(expected, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 3), min_size=3, max_size=3), min_size=2, max_size=10),
    st.integers(0, 2**32 - 1),
)
def test_units_left_out_by_zero_counts_equal_units_cut_out(counts, seed):
    """alpha_table leaves a per-code direction alpha's other segments in with zero counts
    instead of copying the resample weights without them; the alphas must not change."""
    counts = np.array(counts)
    keep = np.random.default_rng(seed).random(len(counts)) < 0.6
    weights = resample_weights(len(counts), 5, np.random.default_rng(seed))
    np.testing.assert_allclose(
        weighted_nominal_alphas(np.where(keep[:, None], counts, 0), weights),
        weighted_nominal_alphas(counts[keep], weights[:, keep]),
        rtol=1e-12,
    )


def test_bootstrap_of_many_segments_gives_intervals_for_every_code():
    """About 12,000 double-coded segments, 1,000 resamples, 60 scopes (its speed is measured by
    benchmarks/run_benchmarks.py, not asserted here)."""
    rng = np.random.default_rng(3)
    units = 12_000
    first = rng.integers(0, 29, units)
    second = np.where(rng.random(units) < 0.8, first, rng.integers(0, 29, units))
    codes = [f"c{i}" for i in range(29)]
    double = pd.DataFrame(
        {
            "pseudonym": "P-1",
            "segment": np.repeat(np.arange(units), 2),
            "coder": np.tile(["a", "b"], units),
            "code": np.array(codes)[np.column_stack([first, second]).ravel()],
            "direction": rng.choice(["conciliatory", "confrontational", "none"], 2 * units),
        }
    )
    alphas = alpha_table(double, codes, SETTINGS)
    assert alphas["ci_lower"].notna().sum() >= 29


def test_cohen_1960_worked_example():
    # Cohen (1960), worked example: 200 items, three categories, judges A (rows), B (columns);
    # p_o = .70, p_c = .41, kappa = (.70 - .41) / (1 - .41) = .49.
    table = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]
    labels = ["one", "two", "three"]
    rows = []
    for i, counts in enumerate(table):
        for j, count in enumerate(counts):
            for _ in range(count):
                segment = len(rows) // 2 + 1
                rows += [(segment, "A", labels[i], "none"), (segment, "B", labels[j], "none")]
    agreement = agreement_table(coder_pairs(double_coded(hand_release(rows, codes=labels))))
    row = agreement.iloc[0]
    assert (row["coder_1"], row["coder_2"], row["n_segments"]) == ("A", "B", 200)
    assert row["percent_agreement_code"] == 70.0
    assert row["kappa_code"] == round((0.70 - 0.41) / (1 - 0.41), 4)
    assert round(row["kappa_code"], 2) == 0.49


def test_percent_agreement_by_hand_per_pair():
    agreement = agreement_table(coder_pairs(double_coded(hand_release(SMALL))))
    by_pair = agreement.set_index(["coder_1", "coder_2"])
    # a-b: segments 1, 2, 3, 6 (codes agree on 1, 3, 6); a-c: 3, 5, 6 (3, 5); b-c: 3, 4, 6 (3).
    assert by_pair["n_segments"].tolist() == [4, 3, 3]
    assert by_pair["percent_agreement_code"].tolist() == [75.0, 66.67, 33.33]
    # Directions: a-b agree on all four; a-c on 5, 6; b-c on 4, 6.
    assert by_pair["percent_agreement_direction"].tolist() == [100.0, 66.67, 66.67]


def test_numbers_pool_every_coder_pair_of_every_segment(tmp_path):
    numbers = run_reliability(hand_release(SMALL), SETTINGS, ReliabilityOutputs.under(tmp_path))
    # 10 within-segment pairs (1 + 1 + 3 + 1 + 1 + 3); codes agree in 6, directions in 8.
    assert numbers["percent_agreement"] == {"code": 60.0, "direction": 80.0}
    assert numbers["n_disagreements"] == {"any": 4, "code": 3, "direction": 1}
    assert (numbers["n_double_coded_segments"], numbers["n_segments"]) == (6, 7)
    assert numbers["codes_with_undefined_alpha"] == ["w"]


def test_kappa_undefined_when_both_coders_use_one_value():
    same = pd.Series(["none"] * 4)
    assert cohens_kappa(same, same) is None
    rows = [(s, c, "x", "none") for s in (1, 2) for c in ("a", "b")]
    agreement = agreement_table(coder_pairs(double_coded(hand_release(rows))))
    assert agreement["kappa_code"].isna().all() and agreement["kappa_direction"].isna().all()
    assert "only 'x'" in agreement.loc[0, "note"] and "only 'none'" in agreement.loc[0, "note"]


def test_disagreements_list_each_differing_segment_without_excerpts():
    table = disagreement_table(double_coded(hand_release(SMALL)))
    columns = ["pseudonym", "segment", "coders", "codes", "directions", "differs_on"]
    assert list(table.columns) == columns
    assert table["segment"].tolist() == [2, 3, 4, 6]
    by_segment = table.set_index("segment")
    assert by_segment.loc[2, "differs_on"] == "code"
    assert by_segment.loc[3, "differs_on"] == "direction"
    assert by_segment.loc[3, "directions"] == "none;none;confrontational"
    assert by_segment.loc[6, ["coders", "codes"]].tolist() == ["a;b;c", "x;x;z"]


def test_a_coder_twice_on_one_segment_is_an_input_error_and_nothing_is_written(tmp_path):
    """The release's primary key is (pseudonym, segment, coder); a repeated row would count as
    a second coder agreeing with the first."""
    rows = [
        (1, "a", "x", "none"),
        (1, "a", "x", "none"),
        (2, "a", "x", "none"),
        (2, "b", "y", "none"),
    ]
    release = hand_release(rows)
    outputs = ReliabilityOutputs.under(tmp_path)
    with pytest.raises(InputError) as error:
        run_reliability(release, SETTINGS, outputs)
    assert f"{release.coding_file}: row 2 (line 3), column 'coder': got 'a'" in str(error.value)
    assert "one row per pseudonym, segment and coder" in str(error.value)
    assert not outputs.alpha.parent.exists()


def test_value_counts_refuse_a_value_outside_the_list():
    double = double_coded(hand_release(SMALL))
    with pytest.raises(ValueError, match=r"code values \['z'\] are not among \['x', 'y'\]"):
        value_counts(double, "code", ["x", "y"])


def test_no_double_coded_segment_is_an_input_error_and_nothing_is_written(tmp_path):
    release = hand_release([(1, "a", "x", "none"), (2, "b", "y", "none")])
    outputs = ReliabilityOutputs.under(tmp_path)
    with pytest.raises(InputError) as error:
        run_reliability(release, SETTINGS, outputs)
    assert f"{release.coding_file}: whole file" in str(error.value)
    assert "two or more coders" in str(error.value)
    assert not outputs.alpha.parent.exists()


def test_numbers_json_has_null_not_nan(tmp_path):
    rows = [(s, c, "x" if s < 3 else "y", "none") for s in (1, 2, 3) for c in ("a", "b")]
    outputs = ReliabilityOutputs.under(tmp_path)
    run_reliability(hand_release(rows), SETTINGS, outputs)

    def refuse(constant):
        raise AssertionError(f"{constant} in numbers.json")

    numbers = json.loads(outputs.numbers.read_text(), parse_constant=refuse)
    assert numbers["alpha"]["direction"]["alpha"] is None
    assert "no variation" in numbers["alpha"]["direction"]["note"]
    assert numbers["alpha"]["code"]["alpha"] == 1.0
    assert numbers["kappa_range"]["direction"] is None


def test_mini_release_by_hand(mini_release_paths, tmp_path):
    release = read_release(**mini_release_paths, schema_dir=SCHEMA_DIR)
    outputs = ReliabilityOutputs.under(tmp_path)
    numbers = run_reliability(release, SETTINGS, outputs)
    # Four double-coded segments; codes differ on one (MINI-06). Coincidences: n = 8,
    # sum o_cc = 6, n_c = 2, 2, 1, 1, 2: alpha = 1 - 7 * 2 / (64 - 14) = 0.72. Directions: 6
    # confrontational and 2 conciliatory values, all agreeing: alpha = 1.
    assert numbers["n_double_coded_segments"] == 4
    assert numbers["alpha"]["code"]["alpha"] == 0.72
    assert numbers["alpha"]["direction"]["alpha"] == 1.0
    disagreements = pd.read_csv(outputs.disagreements)
    assert disagreements[["coders", "codes", "differs_on"]].values.tolist() == [
        ["coder_a;coder_d", "career_security;previous_experience", "code"]
    ]
    written = "".join(path.read_text() for path in outputs.alpha.parent.iterdir())
    for excerpt in release.coding["excerpt"].dropna().loc[lambda e: e != ""]:
        assert excerpt not in written


def test_example_against_peer_implementations(example_release):
    double = double_coded(example_release)
    assert double.groupby(["pseudonym", "segment"]).size().min() >= 2
    alphas = alpha_table(double, example_release.codebook.ids(), SETTINGS)
    overall = alphas[alphas["scope"] == "overall"].set_index("measure")
    for measure in ["code", "direction"]:
        units = [list(unit[measure]) for _, unit in double.groupby(["pseudonym", "segment"])]
        assert overall.loc[measure, "alpha"] == round(coincidence_alpha(units), 4)
        assert overall.loc[measure, "ci_lower"] < overall.loc[measure, "alpha"]
        assert overall.loc[measure, "alpha"] < overall.loc[measure, "ci_upper"]
    pairs = coder_pairs(double)
    agreement = agreement_table(pairs).set_index(["coder_1", "coder_2"])
    for (first, second), pair in pairs.groupby(["coder_1", "coder_2"]):
        table = pd.crosstab(pair["code_1"], pair["code_2"])
        labels = table.index.union(table.columns)
        table = table.reindex(index=labels, columns=labels, fill_value=0)
        expected = statsmodels_kappa(table.to_numpy(), return_results=False)
        assert agreement.loc[(first, second), "kappa_code"] == round(expected, 4)


def test_outputs_are_byte_identical_across_runs(example_release, tmp_path):
    first, second = (
        ReliabilityOutputs.under(tmp_path / "1"),
        ReliabilityOutputs.under(tmp_path / "2"),
    )
    run_reliability(example_release, SETTINGS, first)
    run_reliability(example_release, SETTINGS, second)
    for name in ["alpha", "agreement", "disagreements", "unitizing", "numbers"]:
        assert getattr(first, name).read_bytes() == getattr(second, name).read_bytes()
