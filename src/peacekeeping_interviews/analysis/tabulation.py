"""Factor tabulation: Table 1, how often each factor and response type is coded, the response
spectrum (Figure 2), and whether the coded direction differs between factors and between groups
of interviewees.

Units of counting
-----------------
* An interview *mentions* a code when any of its segments, by any coder, carries it: the
  definition of :func:`~peacekeeping_interviews.analysis.release.incidence_matrix`, used here
  unchanged.
* A *coded segment* of a code is one ``(pseudonym, segment, code)``. A double-coded segment that
  both coders gave the same code counts once; a code that only one of the two coders gave counts
  too, so every segment behind a mention is counted and nothing is counted twice.
* Its *direction* is the one its coders gave. When the two coders gave the same code opposite
  directions, the segment has no agreed direction: it is counted in ``segments`` and in
  ``direction_disagreements``, but left out of the direction split and of every test, rather than
  settled by favouring one coder. Direction shares are over a code's segments with an agreed
  direction.

Tests
-----
The cross-tabulations count coded *factor* segments with an agreed direction: by factor
(all factors, then the factors of each category) and by the interviewee's released subgroup
value. Segments whose subgroup value is withheld (``*``) or unknown (empty) are left out of that
table and counted beside its test. Each table is tested for independence of row and direction:
Pearson's chi-square when every expected count reaches ``min_expected``, otherwise Fisher's exact
test for a 2 x 2 table and a Monte Carlo test of the chi-square statistic over random tables with
the observed margins for larger ones. p-values are adjusted across the tests of one family.

Segments of one interview are not independent observations, and the interviewees are a purposive,
not a random, sample; the tests therefore describe how strongly direction and row variable are
associated in these interviews and are not inference to a population.
"""

from __future__ import annotations

import textwrap
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import pingouin
from matplotlib.ticker import MaxNLocator
from scipy import stats
from scipy.stats.contingency import expected_freq

from peacekeeping_interviews.analysis.figures import figure, figure_bytes
from peacekeeping_interviews.analysis.release import PublicRelease, incidence_matrix
from peacekeeping_interviews.codebook import Codebook
from peacekeeping_interviews.disclosure import released_order
from peacekeeping_interviews.files import csv_text, json_number, json_text, write_all_or_nothing
from peacekeeping_interviews.stage_outputs import TabulationOutputs
from peacekeeping_interviews.vocabulary import DIRECTIONS, WITHHELD

FACTOR_FAMILY = "factor_direction"
SUBGROUP_FAMILY = "subgroup_direction"
ALL_FACTORS = "all_factors"
NOT_INDEPENDENT_NOTE = (
    "Tests count coded factor segments; segments of one interview are not independent and the "
    "interviewees are a purposive, not a random, sample. The tests describe association in these "
    "interviews; they are not inference to a population."
)


@dataclass(frozen=True)
class Correction:
    """How the results name a multiple-comparison correction, so that the paper never assumes
    one: ``name`` completes "the correction ... is", ``label`` heads a column of adjusted
    p-values, ``citation_key`` is its source's entry in ``reports/references.bib`` (none when
    nothing is adjusted)."""

    name: str
    label: str
    citation_key: str | None


# One entry per value the config schema allows for ``tabulation.correction`` (tested).
CORRECTIONS = {
    "holm": Correction("Holm's step-down procedure", "Holm", "holm1979"),
    "bonf": Correction("the Bonferroni correction", "Bonferroni", "dunn1961"),
    "fdr_bh": Correction(
        "the Benjamini-Hochberg procedure, which controls the false discovery rate",
        "Benjamini-Hochberg",
        "benjamini1995",
    ),
    "none": Correction(
        "none: the adjusted p-values equal the unadjusted ones", "no correction", None
    ),
}


def table1(codebook: Codebook) -> pd.DataFrame:
    """Table 1 of the framework: one column per category (headed by its label) listing its
    factors' labels in codebook order; shorter columns are padded with empty cells."""
    columns = [
        [c.label for c in codebook.codes if c.kind == "factor" and c.category == category]
        for category, _ in codebook.categories
    ]
    depth = max(map(len, columns), default=0)
    table = pd.DataFrame([factors + [""] * (depth - len(factors)) for factors in columns]).T
    table.columns = [label for _, label in codebook.categories]
    return table


def coded_segments(coding: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    """One row per ``(pseudonym, segment, code)`` among ``codes`` with its agreed ``direction``,
    missing where the coders of that segment gave the code different directions (see the module
    docstring for why these are neither dropped nor resolved)."""
    rows = coding[coding["code"].isin(codes)]
    direction = rows.groupby(["pseudonym", "segment", "code"], sort=True)["direction"]
    agreed = direction.first().where(direction.nunique() == 1)
    return agreed.rename("direction").reset_index()


def contingency_table(units: pd.DataFrame, row: str, row_values: Sequence[str]) -> pd.DataFrame:
    """Counts of ``units`` by ``row`` (rows, in the order given; absent values count 0) and
    direction (columns, :data:`DIRECTIONS`). Units without an agreed direction are not counted."""
    counts = units.dropna(subset=["direction"]).groupby([row, "direction"]).size()
    table = counts.unstack(fill_value=0) if len(counts) else pd.DataFrame()
    table = table.reindex(index=list(row_values), columns=list(DIRECTIONS), fill_value=0)
    table.index.name, table.columns.name = row, "direction"
    return table.astype(int)


def _percent(counts: pd.Series, total: int) -> pd.Series:
    return (100 * counts / total).round(4) if total else pd.Series(np.nan, index=counts.index)


def _mentions(release: PublicRelease, ids: list[str], segments: pd.DataFrame) -> dict[str, object]:
    """The columns every per-code table shares: interviews mentioning each code (n and % of all
    interviews) and its coded segments, in the order of ``ids``."""
    mentions = incidence_matrix(release)[ids].sum()
    return {
        "interviews": mentions.to_numpy(),
        "interviews_percent": _percent(mentions, len(release.interviews)).to_numpy(),
        "segments": segments.groupby("code").size().reindex(ids, fill_value=0).to_numpy(),
    }


def factor_mentions(release: PublicRelease) -> pd.DataFrame:
    """Per factor (codebook order): interviews mentioning it (n and % of all interviews), its
    coded segments, how many of them the coders gave opposite directions, and the count and share
    of each direction among the rest (shares empty when no segment has an agreed direction)."""
    factors = [c for c in release.codebook.codes if c.kind == "factor"]
    ids = [c.id for c in factors]
    segments = coded_segments(release.coding, ids)
    split = contingency_table(segments, "code", ids)
    agreed = split.sum(axis=1)
    table = pd.DataFrame(
        {
            "category": [c.category for c in factors],
            "factor": ids,
            "label": [c.label for c in factors],
            **_mentions(release, ids, segments),
            "direction_disagreements": (
                segments["direction"].isna().groupby(segments["code"]).sum()
            )
            .reindex(ids, fill_value=0)
            .to_numpy(),
        }
    )
    for direction in DIRECTIONS:
        table[direction] = split[direction].to_numpy()
    for direction in DIRECTIONS:
        share = split[direction] / agreed.where(agreed > 0)
        table[f"{direction}_share"] = share.round(4).to_numpy()
    return table


def response_spectrum(release: PublicRelease) -> pd.DataFrame:
    """The response types in spectrum order (rank 1 = most confrontational) with the interviews
    mentioning each (n and %) and its coded segments."""
    responses = [c for c in release.codebook.codes if c.kind == "response"]
    ids = [c.id for c in responses]
    segments = coded_segments(release.coding, ids)
    return pd.DataFrame(
        {
            "rank": [c.rank for c in responses],
            "response": ids,
            "label": [c.label for c in responses],
            **_mentions(release, ids, segments),
        }
    )


def independence_test(
    observed: pd.DataFrame, min_expected: float, permutations: int, seed: int
) -> dict:
    """Test of independence of rows and columns of a table of counts.

    Rows and columns without observations are dropped first (they carry no information). The
    statistic is always Pearson's chi-square without continuity correction, with its degrees of
    freedom and Cramér's V = sqrt(chi2 / (n (min(r, c) - 1))) (Cramér 1946, *Mathematical Methods
    of Statistics*, 14.5), all from :func:`pingouin.chi2_independence`. The p-value comes from

    * ``chi_square``: the chi-square distribution, when every expected count >= ``min_expected``;
    * ``fisher_exact``: Fisher's exact test, two-sided (:func:`scipy.stats.fisher_exact`), for a
      2 x 2 table with a smaller expected count;
    * ``monte_carlo``: for a larger such table, the share of ``permutations`` random tables with
      the observed margins (Patefield 1981, *Applied Statistics* 30: 91-97, via
      :func:`scipy.stats.random_table`) whose chi-square reaches the observed one, counting the
      observed table itself (Davison & Hinkley 1997, eq. 4.11), from
      :func:`scipy.stats.chi2_contingency` with a seeded :class:`scipy.stats.MonteCarloMethod`.
      Tables with fixed margins are exactly what permuting one variable's labels produces.

    A table with fewer than two rows or columns with observations is not tested (``method``
    ``none`` and a ``note``).
    """
    tested = observed.loc[observed.sum(axis=1) > 0, observed.sum(axis=0) > 0]
    n = int(tested.to_numpy().sum())
    result = {"rows": tested.shape[0], "columns": tested.shape[1], "n": n}
    if min(tested.shape) < 2:
        return result | {
            "method": "none",
            "statistic": np.nan,
            "dof": np.nan,
            "p_value": np.nan,
            "cramers_v": np.nan,
            "min_expected": np.nan,
            "note": "fewer than two rows or columns with observations",
        }
    cells = tested.stack()
    records = cells.index.repeat(cells.to_numpy()).to_frame(index=False, name=["row", "column"])
    # Small expected counts are handled below; the divide warnings come from pingouin's
    # log-likelihood family of statistics (zero cells), which is not used.
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.filterwarnings("ignore", message="Low count on", category=UserWarning)
        expected, _, statistics = pingouin.chi2_independence(
            records, x="row", y="column", correction=False
        )
    pearson = statistics.set_index("test").loc["pearson"]
    smallest = float(expected.to_numpy().min())
    if smallest >= min_expected:
        method, p_value = "chi_square", float(pearson["pval"])
    elif tested.shape == (2, 2):
        method, p_value = "fisher_exact", float(stats.fisher_exact(tested.to_numpy()).pvalue)
    else:
        resampling = stats.MonteCarloMethod(
            n_resamples=permutations, rng=np.random.default_rng(seed)
        )
        outcome = stats.chi2_contingency(tested.to_numpy(), correction=False, method=resampling)
        method, p_value = "monte_carlo", float(outcome.pvalue)
    return result | {
        "method": method,
        "statistic": float(pearson["chi2"]),
        "dof": int(pearson["dof"]),
        "p_value": p_value,
        "cramers_v": float(pearson["cramer"]),
        "min_expected": smallest,
        "note": "",
    }


def adjusted_p_values(p_values: Sequence[float], method: str) -> np.ndarray:
    """p-values adjusted across one family with :func:`pingouin.multicomp` (``holm``: Holm 1979,
    *Scandinavian Journal of Statistics* 6: 65-70; ``bonf``: Dunn 1961, *JASA* 56: 52-64;
    ``fdr_bh``: Benjamini & Hochberg 1995, *JRSS B* 57: 289-300; ``none``: unadjusted). Missing
    p-values (untested tables) stay missing and do not count towards the family's size."""
    values = np.asarray(p_values, dtype=float)
    if np.isnan(values).all():
        return values
    return np.asarray(pingouin.multicomp(values, method=method)[1], dtype=float)


def factor_tables(codebook: Codebook, segments: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Factor x direction tables: all factors, then the factors of each category."""
    factors = [c for c in codebook.codes if c.kind == "factor"]
    tables = {ALL_FACTORS: contingency_table(segments, "code", [c.id for c in factors])}
    for category, _ in codebook.categories:
        members = [c.id for c in factors if c.category == category]
        tables[category] = contingency_table(segments, "code", members)
    return tables


def subgroup_table(
    interviews: pd.DataFrame, segments: pd.DataFrame, subgroup: str
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Subgroup value x direction counts of coded segments (values in natural order), and how
    many segments with an agreed direction were left out because the value is withheld (``*``)
    or unknown (empty)."""
    values = interviews.set_index("pseudonym")[subgroup].fillna("").astype(str)
    units = segments.dropna(subset=["direction"]).assign(
        value=lambda s: s["pseudonym"].map(values).fillna("")
    )
    withheld = units["value"] == WITHHELD
    unknown = units["value"] == ""
    kept = [v for v in released_order(values) if v not in (WITHHELD, "")]
    table = contingency_table(units[~withheld & ~unknown], "value", kept)
    table.index.name = subgroup
    return table, {"excluded_withheld": int(withheld.sum()), "excluded_unknown": int(unknown.sum())}


def _rounded(value: float, digits: int = 4) -> float:
    return round(float(value), digits) if np.isfinite(value) else np.nan


def _significant(value: float) -> float:
    """p-values to four significant digits, so that small ones do not round to 0."""
    return float(f"{value:.4g}") if np.isfinite(value) else np.nan


def tests_table(
    tables: Mapping[tuple[str, str], pd.DataFrame],
    exclusions: Mapping[tuple[str, str], dict[str, int]],
    settings: Mapping,
) -> pd.DataFrame:
    """One row per table: its independence test, the excluded segments, and the p-value adjusted
    with ``settings["correction"]`` across the tests of the same family."""
    rows = []
    for (family, name), observed in tables.items():
        test = independence_test(
            observed, settings["min_expected"], settings["permutations"], settings["seed"]
        )
        excluded = exclusions.get((family, name), {"excluded_withheld": 0, "excluded_unknown": 0})
        rows.append({"family": family, "table": name, **excluded, **test})
    result = pd.DataFrame(rows)
    result["p_adjusted"] = np.nan
    for _, members in result.groupby("family", sort=False):
        result.loc[members.index, "p_adjusted"] = adjusted_p_values(
            members["p_value"], settings["correction"]
        )
    result["correction"] = settings["correction"]
    for column in ("statistic", "cramers_v", "min_expected"):
        result[column] = result[column].map(_rounded)
    for column in ("p_value", "p_adjusted"):
        result[column] = result[column].map(_significant)
    result["dof"] = result["dof"].astype("Int64")
    return result[
        [
            "family",
            "table",
            "rows",
            "columns",
            "n",
            "excluded_withheld",
            "excluded_unknown",
            "method",
            "statistic",
            "dof",
            "p_value",
            "p_adjusted",
            "correction",
            "cramers_v",
            "min_expected",
            "note",
        ]
    ]


def tidy_crosstabs(tables: Mapping[tuple[str, str], pd.DataFrame]) -> pd.DataFrame:
    """All tables in one long frame: ``family, table, row_value, direction, count, expected``
    (expected under independence from the table's margins; empty for an empty table)."""
    parts = []
    for (family, name), observed in tables.items():
        counts = observed.to_numpy()
        expected = (
            expected_freq(counts) if counts.sum() else np.full(counts.shape, np.nan, dtype=float)
        )
        parts.append(
            pd.DataFrame(
                {
                    "family": family,
                    "table": name,
                    "row_value": np.repeat(observed.index.to_numpy(dtype=object), counts.shape[1]),
                    "direction": np.tile(observed.columns.to_numpy(dtype=object), counts.shape[0]),
                    "count": counts.ravel(),
                    "expected": np.round(expected.ravel(), 4),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def spectrum_figure(spectrum: pd.DataFrame, synthetic: bool) -> dict[str, bytes]:
    """Figure 2: the response types along an arrow from conciliation (left) to confrontation
    (right), each with a bar of the interviews mentioning it, labelled with the interviews and
    coded segments."""
    ordered = spectrum.sort_values("rank", ascending=False, kind="stable")
    positions = np.arange(len(ordered))
    with figure(8, 3.6, synthetic) as fig:
        bars, arrow = fig.subplots(2, 1, height_ratios=[5, 1], sharex=True)
        bars.bar(positions, ordered["interviews"], width=0.6, color="#4c72b0")
        for x, (interviews, segments) in enumerate(zip(ordered["interviews"], ordered["segments"])):
            bars.annotate(
                f"{interviews} int.\n{segments} seg.",
                (x, interviews),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7,
            )
        bars.set_ylabel("Interviews mentioning")
        bars.set_title(
            "Response types: interviews (int.) and coded segments (seg.)", loc="left", fontsize=8
        )
        bars.margins(y=0.25)
        bars.yaxis.set_major_locator(MaxNLocator("auto", steps=[1, 2, 2.5, 5, 10], integer=True))
        bars.tick_params(axis="x", length=0)
        arrow.set_axis_off()
        arrow.set_ylim(-1, 1)
        arrow.annotate(
            "",
            xy=(len(ordered) - 0.5, 0.4),
            xytext=(-0.5, 0.4),
            arrowprops={"arrowstyle": "<|-|>", "color": "#333333", "lw": 1.2},
        )
        arrow.text(-0.5, -0.5, "Conciliation", ha="left", va="center", style="italic")
        arrow.text(
            len(ordered) - 0.5, -0.5, "Confrontation", ha="right", va="center", style="italic"
        )
        for x, label in zip(positions, ordered["label"]):
            arrow.text(x, 0.4, "|", ha="center", va="center", color="#333333")
            bars.text(
                x,
                -0.04,
                textwrap.fill(label, 13, break_long_words=False),
                transform=bars.get_xaxis_transform(),
                ha="center",
                va="top",
                fontsize=7,
            )
        bars.set_xticks([])
        fig.subplots_adjust(hspace=0.75)
        return figure_bytes(fig)


def framework_numbers(codebook: Codebook) -> dict:
    """What the paper says about the framework, from the codebook: its title, source, outcome,
    whether it was derived from these interviews, and its categories with their factor counts."""
    factors = [c for c in codebook.codes if c.kind == "factor"]
    return {
        "id": codebook.framework_id,
        "title": codebook.title,
        "source": codebook.source,
        "citation_key": codebook.citation_key,
        "outcome": codebook.outcome,
        "derived_from_interviews": codebook.derived_from_interviews,
        "categories": [
            {
                "id": category,
                "label": label,
                "factors": sum(1 for c in factors if c.category == category),
            }
            for category, label in codebook.categories
        ],
        "factors": len(factors),
        "response_types": len(codebook.ids("response")),
    }


def correction_numbers(method: str) -> dict:
    """The correction used, named as :data:`CORRECTIONS` names it."""
    return {"method": method, **asdict(CORRECTIONS[method])}


def tabulation_numbers(
    release: PublicRelease,
    factors: pd.DataFrame,
    spectrum: pd.DataFrame,
    tests: pd.DataFrame,
    settings: Mapping,
) -> dict:
    """What the paper cites; a missing value is ``null`` with a ``note`` saying why."""
    segments = release.coding[["pseudonym", "segment"]].drop_duplicates()
    factor_numbers = {}
    for row in factors.itertuples(index=False):
        entry = {
            "category": row.category,
            "label": row.label,
            "interviews": int(row.interviews),
            "interviews_percent": json_number(row.interviews_percent),
            "segments": int(row.segments),
            "direction_disagreements": int(row.direction_disagreements),
            "directions": {
                d: {
                    "count": int(getattr(row, d)),
                    "share": json_number(getattr(row, f"{d}_share")),
                }
                for d in DIRECTIONS
            },
        }
        if entry["directions"][DIRECTIONS[0]]["share"] is None:
            entry["note"] = "shares are null: no coded segment with an agreed direction"
        factor_numbers[row.factor] = entry
    test_numbers: dict[str, dict] = {}
    for row in tests.to_dict("records"):
        family, name = row.pop("family"), row.pop("table")
        test_numbers.setdefault(family, {})[name] = {
            key: json_number(value)
            for key, value in row.items()
            if not (key == "note" and value == "")
        }
    return {
        "synthetic": release.synthetic,
        "framework": framework_numbers(release.codebook),
        "interviews": len(release.interviews),
        "segments": len(segments),
        "factor_segments": int(factors["segments"].sum()),
        "factor_segments_direction_disagreements": int(factors["direction_disagreements"].sum()),
        "factors": factor_numbers,
        "responses": {
            row.response: {
                "rank": int(row.rank),
                "label": row.label,
                "interviews": int(row.interviews),
                "interviews_percent": json_number(row.interviews_percent),
                "segments": int(row.segments),
            }
            for row in spectrum.itertuples(index=False)
        },
        "tests": test_numbers,
        "correction": correction_numbers(settings["correction"]),
        "settings": {
            key: settings[key]
            for key in ("subgroups", "min_expected", "permutations", "seed", "correction")
        },
        "notes": [NOT_INDEPENDENT_NOTE],
    }


def run_tabulation(release: PublicRelease, settings: Mapping, outputs: TabulationOutputs) -> dict:
    """Compute every table, test, number and the figure in memory, then write all or nothing.
    Returns the numbers written to ``numbers.json``."""
    factor_ids = release.codebook.ids("factor")
    segments = coded_segments(release.coding, factor_ids)
    tables: dict[tuple[str, str], pd.DataFrame] = {
        (FACTOR_FAMILY, name): table
        for name, table in factor_tables(release.codebook, segments).items()
    }
    exclusions = {}
    for subgroup in settings["subgroups"]:
        table, excluded = subgroup_table(release.interviews, segments, subgroup)
        tables[(SUBGROUP_FAMILY, subgroup)] = table
        exclusions[(SUBGROUP_FAMILY, subgroup)] = excluded
    factors = factor_mentions(release)
    spectrum = response_spectrum(release)
    tests = tests_table(tables, exclusions, settings)
    numbers = tabulation_numbers(release, factors, spectrum, tests, settings)
    figure_files = spectrum_figure(spectrum, release.synthetic)
    write_all_or_nothing(
        {
            outputs.table1: csv_text(table1(release.codebook)),
            outputs.factor_mentions: csv_text(factors),
            outputs.response_spectrum: csv_text(spectrum),
            outputs.crosstabs: csv_text(tidy_crosstabs(tables)),
            outputs.tests: csv_text(tests),
            outputs.numbers: json_text(numbers),
            outputs.spectrum_svg: figure_files["svg"],
            outputs.spectrum_png: figure_files["png"],
        }
    )
    return numbers
