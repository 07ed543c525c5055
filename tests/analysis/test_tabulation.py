"""Factor tabulation: hand-worked tables and textbook examples, and scipy, statsmodels and exact
enumeration as independent references for the tests of independence."""

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT, SCHEMA_DIR
from matplotlib.text import Annotation
from scipy import stats
from scipy.stats.contingency import association
from statsmodels.stats.multitest import multipletests

from peacekeeping_interviews.analysis import tabulation
from peacekeeping_interviews.analysis.release import PublicRelease, read_release
from peacekeeping_interviews.analysis.tabulation import (
    TabulationOutputs,
    adjusted_p_values,
    coded_segments,
    contingency_table,
    factor_mentions,
    independence_test,
    response_spectrum,
    run_tabulation,
    subgroup_table,
    table1,
)
from peacekeeping_interviews.codebook import Code, Codebook, load_codebook

CODEBOOK_SCHEMA = yaml.safe_load((SCHEMA_DIR / "codebook.schema.yaml").read_text())
STUDY = load_codebook(ROOT / "config" / "codebook.yaml", CODEBOOK_SCHEMA)
BUITELAAR = load_codebook(ROOT / "config" / "codebook-buitelaar-2023.yaml", CODEBOOK_SCHEMA)
SETTINGS = {
    "subgroups": ["function", "posting", "level", "tenure_band"],
    "min_expected": 5,
    "permutations": 9999,
    "seed": 20230902,
    "correction": "holm",
}


def counts(rows: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, index=[f"r{i}" for i in range(len(rows))])


def hand_release(codebook: Codebook, coding_rows: list[tuple], interviews: dict) -> PublicRelease:
    """A release built by hand: ``coding_rows`` are (pseudonym, segment, coder, code, direction);
    ``interviews`` maps pseudonyms to their subgroup values."""
    people = pd.DataFrame(
        [{"pseudonym": p, **values} for p, values in interviews.items()]
    ).reset_index(drop=True)
    coding = pd.DataFrame(
        coding_rows, columns=["pseudonym", "segment", "coder", "code", "direction"]
    ).assign(excerpt="")
    return PublicRelease(interviews=people, coding=coding, codebook=codebook, synthetic=True)


def test_table1_has_one_column_per_category_listing_its_factors():
    assert table1(BUITELAAR).to_dict("list") == {
        "Socialising experiences": ["Activism background", "Diplomatic background"],
        "Personality traits": ["Risk tolerance", "Consensus seeking"],
        "Value frameworks": ["Universality of rights", "Supportive versus assertive role"],
    }
    study = table1(STUDY)
    assert list(study.columns) == [
        "Individual characteristics",
        "Departmental factors",
        "Positional considerations",
    ]
    assert study.iloc[2].tolist() == [
        "Length of service at a duty station",
        "Type of interlocutors",
        "Position vis-a-vis host state authorities",
    ]


def test_table1_pads_shorter_categories_with_empty_cells():
    book = Codebook(
        "f",
        "t",
        "s",
        categories=(("a", "A"), ("b", "B")),
        codes=(
            Code("a1", "A one", "factor", "a"),
            Code("a2", "A two", "factor", "a"),
            Code("b1", "B one", "factor", "b"),
        ),
    )
    assert table1(book).to_dict("list") == {"A": ["A one", "A two"], "B": ["B one", ""]}


def test_coded_segment_counts_once_per_code_and_loses_its_direction_when_coders_disagree():
    coding = pd.DataFrame(
        [
            ("P1", 1, "a", "career_security", "conciliatory"),
            ("P1", 1, "b", "career_security", "conciliatory"),  # agreed: one segment
            ("P1", 2, "a", "career_security", "conciliatory"),
            ("P1", 2, "b", "career_security", "confrontational"),  # disagreed direction
            ("P1", 3, "a", "career_security", "none"),
            ("P1", 3, "b", "previous_experience", "confrontational"),  # two codes, one each
            ("P2", 1, "a", "silence", "conciliatory"),  # not a factor
        ],
        columns=["pseudonym", "segment", "coder", "code", "direction"],
    )
    segments = coded_segments(coding, STUDY.ids("factor"))
    assert segments.fillna({"direction": "(disagreed)"}).to_dict("records") == [
        {"pseudonym": "P1", "segment": 1, "code": "career_security", "direction": "conciliatory"},
        {"pseudonym": "P1", "segment": 2, "code": "career_security", "direction": "(disagreed)"},
        {"pseudonym": "P1", "segment": 3, "code": "career_security", "direction": "none"},
        {
            "pseudonym": "P1",
            "segment": 3,
            "code": "previous_experience",
            "direction": "confrontational",
        },
    ]


def test_factor_mentions_count_interviews_segments_and_agreed_directions():
    release = hand_release(
        STUDY,
        [
            ("P1", 1, "a", "career_security", "conciliatory"),
            ("P1", 1, "b", "career_security", "conciliatory"),
            ("P1", 2, "a", "career_security", "confrontational"),
            ("P1", 2, "b", "career_security", "conciliatory"),
            ("P2", 1, "a", "career_security", "confrontational"),
            ("P2", 2, "a", "career_security", "confrontational"),
            ("P2", 3, "a", "silence", "conciliatory"),
        ],
        {"P1": {}, "P2": {}, "P3": {}, "P4": {}},
    )
    table = factor_mentions(release).set_index("factor")
    security = table.loc["career_security"]
    # 2 of 4 interviews; 4 segments, 1 disagreed; agreed: 1 conciliatory, 2 confrontational.
    assert security["interviews"] == 2 and security["interviews_percent"] == 50.0
    assert security["segments"] == 4 and security["direction_disagreements"] == 1
    assert security[["confrontational", "conciliatory", "none"]].tolist() == [2, 1, 0]
    assert security["confrontational_share"] == round(2 / 3, 4)
    assert security["conciliatory_share"] == round(1 / 3, 4)
    unmentioned = table.loc["previous_experience"]
    assert unmentioned["interviews"] == 0 and pd.isna(unmentioned["confrontational_share"])
    spectrum = response_spectrum(release).set_index("response")
    assert spectrum.loc["silence", ["rank", "interviews", "segments"]].tolist() == [7, 1, 1]


def test_hand_worked_two_by_two_chi_square():
    # Expected counts are all 25; X2 = 4 * (5**2 / 25) = 4 with 1 dof; V = sqrt(4 / 100) = 0.2.
    # P(X2_1 >= 4) = P(|Z| >= 2) = 2 * (1 - Phi(2)) = 0.0455.
    result = independence_test(counts([[20, 30], [30, 20]]), 5, 999, 1)
    assert result["method"] == "chi_square"
    assert result["statistic"] == pytest.approx(4.0)
    assert result["dof"] == 1
    assert result["p_value"] == pytest.approx(2 * stats.norm.sf(2.0))
    assert result["p_value"] == pytest.approx(0.0455, abs=5e-5)
    assert result["cramers_v"] == pytest.approx(0.2)
    assert result["min_expected"] == pytest.approx(25.0)
    assert result["n"] == 100


def test_fishers_tea_tasting_uses_the_exact_test():
    # Fisher (1935), The Design of Experiments, ch. 2: 8 cups, 4 with milk first, 3 of them
    # identified. Hypergeometric: P(3 right) = C(4,3) C(4,1) / C(8,4) = 16/70, P(4 right) = 1/70;
    # one-sided p = 17/70 = 0.2429, two-sided p = 34/70 = 0.4857 (tables as or less probable).
    result = independence_test(counts([[3, 1], [1, 3]]), 5, 999, 1)
    one_sided = (math.comb(4, 3) * math.comb(4, 1) + 1) / math.comb(8, 4)
    assert one_sided == pytest.approx(0.2429, abs=5e-5)
    assert result["method"] == "fisher_exact"
    assert result["p_value"] == pytest.approx(2 * one_sided)
    assert result["p_value"] == pytest.approx(0.4857, abs=5e-5)
    assert result["min_expected"] == pytest.approx(2.0)


def exact_conditional_p(table: np.ndarray) -> float:
    """Exact p-value of the chi-square statistic over all 2 x c tables with the same margins,
    each weighted by its multivariate hypergeometric probability."""
    rows, columns = table.sum(axis=1), table.sum(axis=0)
    n = table.sum()
    expected = np.outer(rows, columns) / n
    observed = ((table - expected) ** 2 / expected).sum()
    p = 0.0
    for first in itertools.product(*(range(c + 1) for c in columns)):
        if sum(first) != rows[0]:
            continue
        candidate = np.array([first, columns - np.array(first)])
        weight = math.prod(math.comb(c, x) for c, x in zip(columns, first)) / math.comb(n, rows[0])
        if ((candidate - expected) ** 2 / expected).sum() >= observed - 1e-9:
            p += weight
    return p


def test_monte_carlo_test_agrees_with_exact_enumeration_and_repeats_with_its_seed():
    table = counts([[3, 0, 2], [1, 4, 1]])
    result = independence_test(table, 5, 9999, 7)
    exact = exact_conditional_p(table.to_numpy())
    assert result["method"] == "monte_carlo"
    # Monte Carlo standard error with 9999 resamples is at most 0.005.
    assert result["p_value"] == pytest.approx(exact, abs=0.015)
    assert independence_test(table, 5, 9999, 7)["p_value"] == result["p_value"]


def test_chi_square_and_cramers_v_agree_with_scipy():
    table = counts([[30, 10, 15], [12, 25, 20], [8, 14, 30], [10, 10, 16]])
    result = independence_test(table, 5, 999, 1)
    reference = stats.chi2_contingency(table.to_numpy(), correction=False)
    assert result["method"] == "chi_square"
    assert result["statistic"] == pytest.approx(reference.statistic)
    assert result["p_value"] == pytest.approx(reference.pvalue)
    assert result["dof"] == reference.dof
    assert result["min_expected"] == pytest.approx(reference.expected_freq.min())
    assert result["cramers_v"] == pytest.approx(association(table.to_numpy(), method="cramer"))


def test_rows_and_columns_without_observations_are_dropped_and_a_single_column_is_not_tested():
    padded = counts([[20, 30, 0], [30, 20, 0], [0, 0, 0]])
    assert independence_test(padded, 5, 999, 1)["statistic"] == pytest.approx(4.0)
    single = independence_test(counts([[4, 0], [6, 0]]), 5, 999, 1)
    assert single["method"] == "none" and np.isnan(single["p_value"]) and single["note"]


def test_holm_agrees_with_statsmodels_and_skips_untested_tables():
    # Hand-worked: sorted 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, max(0.04*1, 0.06) = 0.06.
    p = [0.01, 0.04, 0.03, 0.005]
    assert adjusted_p_values(p, "holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert adjusted_p_values(p, "holm") == pytest.approx(multipletests(p, method="holm")[1])
    with_gap = adjusted_p_values([0.01, np.nan, 0.04, 0.03], "holm")
    assert np.isnan(with_gap[1])
    expected = multipletests([0.01, 0.04, 0.03], method="holm")[1]
    assert with_gap[[0, 2, 3]] == pytest.approx(expected)


def test_subgroup_table_leaves_out_withheld_and_unknown_values_and_counts_them():
    interviews = pd.DataFrame(
        {"pseudonym": ["P1", "P2", "P3", "P4"], "tenure_band": ["10+", "2-5", "*", ""]}
    )
    segments = pd.DataFrame(
        {
            "pseudonym": ["P1", "P1", "P2", "P3", "P3", "P4", "P2"],
            "direction": [
                "conciliatory",
                "conciliatory",
                "confrontational",
                "none",
                "conciliatory",
                "none",
                np.nan,
            ],
        }
    )
    table, excluded = subgroup_table(interviews, segments, "tenure_band")
    assert excluded == {"excluded_withheld": 2, "excluded_unknown": 1}
    assert table.index.tolist() == ["2-5", "10+"]
    assert table.loc["10+"].tolist() == [0, 2, 0]
    assert table.loc["2-5"].tolist() == [1, 0, 0]


def test_contingency_table_keeps_absent_rows_and_every_direction():
    units = pd.DataFrame({"code": ["x", "x"], "direction": ["none", "none"]})
    table = contingency_table(units, "code", ["x", "y"])
    assert table.to_dict("index") == {
        "x": {"confrontational": 0, "conciliatory": 0, "none": 2},
        "y": {"confrontational": 0, "conciliatory": 0, "none": 0},
    }


def read_outputs(outputs: TabulationOutputs) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in vars(outputs).items()}


def no_nan(constant: str) -> None:
    raise AssertionError(f"{constant} in numbers.json")


def test_example_outputs_are_complete_consistent_and_byte_identical(example_release, tmp_path):
    first = TabulationOutputs.under(tmp_path / "one")
    numbers = run_tabulation(example_release, SETTINGS, first)
    second = TabulationOutputs.under(tmp_path / "two")
    run_tabulation(example_release, SETTINGS, second)
    assert read_outputs(first) == read_outputs(second)
    assert json.loads(first.numbers.read_text(), parse_constant=no_nan) == numbers
    assert numbers["synthetic"] is True and numbers["interviews"] == 210
    coding = example_release.coding
    for factor, entry in numbers["factors"].items():
        assert entry["interviews"] == coding.loc[coding["code"] == factor, "pseudonym"].nunique()
    tests = pd.read_csv(first.tests, keep_default_na=False)
    assert tests["table"].tolist() == [
        "all_factors",
        "individual",
        "departmental",
        "positional",
        *SETTINGS["subgroups"],
    ]
    agreed = sum(
        entry["directions"][d]["count"]
        for entry in numbers["factors"].values()
        for d in ("confrontational", "conciliatory", "none")
    )
    subgroups = tests[tests["family"] == "subgroup_direction"]
    assert (
        (subgroups["n"] + subgroups["excluded_withheld"] + subgroups["excluded_unknown"])
        .eq(agreed)
        .all()
    )
    crosstabs = pd.read_csv(first.crosstabs)
    sums = crosstabs.groupby("table")[["count", "expected"]].sum()
    assert sums["count"].to_numpy() == pytest.approx(sums["expected"].to_numpy(), abs=0.01)
    assert first.spectrum_svg.read_bytes().startswith(b"<?xml")
    assert first.spectrum_png.read_bytes().startswith(b"\x89PNG")


def test_mini_release_runs(mini_release_paths, tmp_path):
    release = read_release(**mini_release_paths, schema_dir=SCHEMA_DIR)
    numbers = run_tabulation(release, SETTINGS, TabulationOutputs.under(tmp_path))
    assert numbers["interviews"] == 12
    json.dumps(numbers, allow_nan=False)


def test_another_codebook_runs_through_unchanged_code(tmp_path):
    release = hand_release(
        BUITELAAR,
        [
            ("P1", 1, "a", "activism_background", "confrontational"),
            ("P1", 2, "a", "public_denunciation", "confrontational"),
            ("P2", 1, "a", "consensus_seeking", "conciliatory"),
            ("P2", 2, "a", "accommodation", "conciliatory"),
        ],
        {
            "P1": {"function": "rights", "posting": "*", "level": "srsg", "tenure_band": "0-2"},
            "P2": {"function": "political", "posting": "hq", "level": "srsg", "tenure_band": ""},
        },
    )
    outputs = TabulationOutputs.under(tmp_path)
    numbers = run_tabulation(release, {**SETTINGS, "correction": "fdr_bh"}, outputs)
    assert numbers["framework"]["id"] == "buitelaar-2023"
    assert numbers["framework"]["derived_from_interviews"] is False
    assert numbers["framework"]["citation_key"] == "buitelaar2023"
    assert [c["label"] for c in numbers["framework"]["categories"]] == [
        "Socialising experiences",
        "Personality traits",
        "Value frameworks",
    ]
    assert numbers["framework"]["factors"] == 6
    assert numbers["correction"] == {
        "method": "fdr_bh",
        "name": "the Benjamini-Hochberg procedure, which controls the false discovery rate",
        "label": "Benjamini-Hochberg",
        "citation_key": "benjamini1995",
    }
    assert list(pd.read_csv(outputs.table1).columns) == [
        "Socialising experiences",
        "Personality traits",
        "Value frameworks",
    ]
    spectrum = pd.read_csv(outputs.response_spectrum)
    assert spectrum["response"].tolist()[0] == "public_denunciation"
    assert spectrum["rank"].tolist() == [1, 2, 3, 4, 5]
    assert numbers["factors"]["risk_tolerance"]["directions"]["none"]["share"] is None
    assert numbers["factors"]["risk_tolerance"]["note"]
    assert set(numbers["tests"]["factor_direction"]) == {
        "all_factors",
        "socialising_experiences",
        "personality_traits",
        "value_frameworks",
    }
    assert numbers["tests"]["subgroup_direction"]["posting"]["p_value"] is None
    assert numbers["tests"]["subgroup_direction"]["posting"]["excluded_withheld"] == 1
    json.dumps(numbers, allow_nan=False)


def left_to_right(ax) -> list[str]:
    """The plain texts of an axes (not annotations), from left to right."""
    texts = [t for t in ax.texts if not isinstance(t, Annotation)]
    return [t.get_text() for t in sorted(texts, key=lambda t: t.get_position())]


def test_figure2_runs_from_conciliation_to_confrontation_in_whole_words(monkeypatch):
    # Buitelaar's spectrum, one interview each at its two ends. Before, "Conditionality" was
    # printed as "Conditionalit" over "y", and the count axis had ticks at half interviews.
    release = hand_release(
        BUITELAAR,
        [
            ("P1", 1, "a", "public_denunciation", "confrontational"),
            ("P1", 2, "a", "accommodation", "conciliatory"),
            ("P2", 1, "a", "accommodation", "conciliatory"),
        ],
        {"P1": {}, "P2": {}},
    )
    drawn = {}
    real_figure_bytes = tabulation.figure_bytes

    def recording_figure_bytes(fig):
        bars, arrow = fig.axes
        drawn["labels"] = [t.replace("\n", " ") for t in left_to_right(bars)]
        drawn["ends"] = [t for t in left_to_right(arrow) if t != "|"]
        drawn["ticks"] = bars.get_yticks()
        return real_figure_bytes(fig)

    monkeypatch.setattr(tabulation, "figure_bytes", recording_figure_bytes)
    tabulation.spectrum_figure(response_spectrum(release), synthetic=True)
    most_confrontational_first = [c.label for c in BUITELAAR.codes if c.kind == "response"]
    assert drawn["labels"] == most_confrontational_first[::-1]
    assert "Conditionality" in drawn["labels"]
    assert drawn["ends"] == ["Conciliation", "Confrontation"]
    assert all(float(tick).is_integer() for tick in drawn["ticks"])


def test_every_allowed_correction_is_named_and_its_reference_is_in_the_bibliography():
    schema = yaml.safe_load((SCHEMA_DIR / "config.schema.yaml").read_text())
    allowed = schema["properties"]["tabulation"]["properties"]["correction"]["enum"]
    assert sorted(tabulation.CORRECTIONS) == sorted(allowed)
    bibliography = (ROOT / "reports" / "references.bib").read_text(encoding="utf-8")
    for method, correction in tabulation.CORRECTIONS.items():
        assert correction.name and correction.label, method
        if correction.citation_key is not None:
            assert f"{{{correction.citation_key}," in bibliography, method
    assert tabulation.CORRECTIONS["none"].citation_key is None
