"""Inter-coder reliability stage: agreement of coders on the double-coded segments.

A segment (pseudonym and segment number) is *double-coded* when two or more coders coded it; it is
then a unit of the reliability data, and each coder's code and direction are that coder's values
for it. Everything is computed from the released coding table, so reviewers can reproduce it.

Outputs (all public; see :class:`ReliabilityOutputs`):

- ``alpha.csv``: Krippendorff's alpha (nominal) for the code and for the direction, overall and per
  code, with a bootstrap confidence interval;
- ``agreement.csv``: per pair of coders, percent agreement and Cohen's kappa;
- ``disagreements.csv``: the double-coded segments on which coders differ, for reconciliation;
- ``unitizing.csv``: Krippendorff's unitizing alpha on the coders' own spans, where the release
  has their positions (:mod:`.span_agreement`);
- ``numbers.json``: the numbers the paper cites.

Undefined coefficients (no variation in the values, no units) are reported as empty cells / JSON
``null`` with the reason in a ``note``, never as NaN.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from peacekeeping_interviews.analysis.bootstrap import percentile_interval, resample_weights
from peacekeeping_interviews.analysis.release import PublicRelease
from peacekeeping_interviews.analysis.span_agreement import unitizing_table
from peacekeeping_interviews.files import csv_text, json_records, json_text, write_all_or_nothing
from peacekeeping_interviews.problems import InputError, Problem
from peacekeeping_interviews.stage_outputs import ReliabilityOutputs

UNIT = ["pseudonym", "segment"]
MEASURES = ("code", "direction")
PRESENCE = ("absent", "present")
NEVER_ASSIGNED = (
    "no coder assigned the code to a double-coded segment: no variation, alpha undefined"
)
DECIMALS = 4
PERCENT_DECIMALS = 2


def double_coded(release: PublicRelease) -> pd.DataFrame:
    """The coding rows of segments coded by two or more coders, in interview collection order,
    then segment, then coder. The released ``excerpt`` column is dropped: no output needs it.

    Raises :class:`InputError` naming the released coding table when a coder appears twice on
    one segment (the table's primary key; such a row would count as a second coder agreeing)
    or when there is no double-coded segment: the paper cites alpha, and an empty table would
    let a run "succeed" with nothing to cite.
    """
    coding = release.coding[[*UNIT, "coder", "code", "direction"]]
    repeated = np.flatnonzero(coding.duplicated([*UNIT, "coder"]).to_numpy())
    if repeated.size:
        raise InputError(
            [
                Problem(
                    release.coding_file,
                    int(row) + 1,
                    "coder",
                    coding["coder"].iloc[row],
                    "one row per pseudonym, segment and coder: this coder already coded "
                    f"segment {coding['segment'].iloc[row]} of {coding['pseudonym'].iloc[row]}",
                )
                for row in repeated
            ]
        )
    coders_per_segment = coding.groupby(UNIT)["coder"].transform("size")
    double = coding[coders_per_segment >= 2]
    if double.empty:
        raise InputError(
            [
                Problem(
                    release.coding_file,
                    None,
                    "coder",
                    "no segment with more than one coder",
                    "at least one segment (same pseudonym and segment) coded by two or more "
                    "coders, from which inter-coder reliability is computed",
                )
            ]
        )
    order = release.interviews.set_index("pseudonym")["collection_order"]
    double = double.assign(_order=double["pseudonym"].map(order))
    double = double.sort_values(["_order", "segment", "coder"], kind="stable")
    return double.drop(columns="_order").reset_index(drop=True)


def value_counts(double: pd.DataFrame, column: str, values: Sequence[str]) -> np.ndarray:
    """Units (double-coded segments, in the order of ``double``) by ``values``: how many coders
    gave each value to each unit. Krippendorff's (2011) "values by units" table.

    Raises ValueError for a value not in ``values`` rather than dropping it from the table.
    """
    units = double.groupby(UNIT, sort=False).ngroup().to_numpy()
    value = pd.Categorical(double[column], categories=list(values)).codes
    if (value < 0).any():
        unknown = sorted(set(double[column][value < 0]))
        raise ValueError(f"{column} values {unknown} are not among {list(values)}")
    counts = np.zeros((units.max(initial=-1) + 1, len(values)), dtype=np.int64)
    np.add.at(counts, (units, value), 1)
    return counts


def presence_counts(code_counts: np.ndarray, code: int) -> np.ndarray:
    """Binary value counts for one code: per unit, how many coders did not / did assign it.

    This is what "per-code alpha" means here: for each code, a nominal alpha on the two values
    absent/present across all double-coded segments. Because each coder gives one code per
    segment, a coder's "present" on one code is an "absent" on every other code.
    """
    present = code_counts[:, code]
    return np.column_stack([code_counts.sum(axis=1) - present, present])


def no_variation_reason(counts: np.ndarray, values: Sequence[str]) -> str | None:
    """Why nominal alpha is undefined for these value counts, or None if it is defined.

    Alpha is undefined without pairable values (no unit with two or more values) and when all
    pairable values are the same: the expected disagreement, its denominator, is then zero
    (Krippendorff 2011).
    """
    pairable = counts[counts.sum(axis=1) >= 2]
    if len(pairable) == 0:
        return "no unit with two or more values, so alpha is undefined"
    used = np.flatnonzero(pairable.sum(axis=0))
    if len(used) == 1:
        return f"every pairable value is {values[used[0]]!r}: no variation, so alpha is undefined"
    return None


def nominal_alpha(counts: np.ndarray) -> float:
    """Krippendorff's alpha for nominal data from a units-by-values count table, computed by the
    ``krippendorff`` package (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability",
    section on nominal data; Krippendorff 2004, *Content Analysis*, 2nd ed., ch. 11).

    Call only when :func:`no_variation_reason` is None.
    """
    return float(krippendorff.alpha(value_counts=counts, level_of_measurement="nominal"))


def weighted_nominal_alphas(counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Nominal alpha of each row of ``weights`` (resamples by units: unit multiplicities); NaN
    where a resample has no variation.

    Krippendorff (2011) builds the coincidence matrix from each unit u with m_u >= 2 pairable
    values: o_ck = sum_u n_uc n_uk / (m_u - 1) for c != k and o_cc = sum_u n_uc (n_uc - 1) /
    (m_u - 1). For nominal data alpha = 1 - (n - 1) (n - sum_c o_cc) / (n^2 - sum_c n_c^2), with
    n_c = sum_u n_uc and n = sum_u m_u. Every term is a sum over units, so a resample is a weighted
    sum and all resamples are one matrix product (units with fewer than two values get zero
    terms rather than being cut out of ``weights``, which would copy it). Written by hand because
    the ``krippendorff`` package offers no bootstrap and a call per resample and scope (some
    60,000 calls) is slow; the tests check this function against the package.
    """
    pairable = counts.sum(axis=1)
    usable = pairable >= 2
    matching = np.divide(
        (counts * (counts - 1)).sum(axis=1), pairable - 1, out=np.zeros(len(counts)), where=usable
    )
    terms = np.column_stack([pairable, matching, counts]) * usable[:, None]
    totals = np.asarray(weights, dtype=float) @ terms
    n, matched, per_value = totals[:, 0], totals[:, 1], totals[:, 2:]
    observed = n - matched
    expected = n**2 - (per_value**2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alphas = 1 - (n - 1) * observed / expected
    return np.where(expected > 0, alphas, np.nan)


def alpha_estimate(
    counts: np.ndarray,
    values: Sequence[str],
    weights: np.ndarray,
    confidence: float,
    undefined_note: str | None = None,
) -> dict:
    """Alpha with its bootstrap interval, the numbers of units and pairable values, and a note.

    The interval resamples units (segments) with replacement and recomputes both the observed and
    the expected disagreement in each resample: a nonparametric bootstrap of the sampling units,
    as Zapf et al. (2016, BMC Medical Research Methodology 16:93) recommend for alpha. Hayes &
    Krippendorff (2007, Communication Methods and Measures 1(1):77-89; Krippendorff's "Algorithm
    for bootstrapping a distribution of alpha", 2006/2011) instead draw pairs of pairable values
    from the observed coincidence matrix and hold the expected disagreement fixed at its observed
    value. That treats the pairs within a segment as independent and ignores the variability of
    the expected disagreement, which can make its intervals too narrow (Hughes 2022,
    arXiv:2210.13265); segments are what was sampled, so segments are what we resample.

    ``undefined_note`` replaces the generic reason when alpha is undefined.
    """
    pairable = counts.sum(axis=1)
    row: dict[str, float | int | str | None] = {
        "alpha": None,
        "ci_lower": None,
        "ci_upper": None,
        "n_units": int((pairable >= 2).sum()),
        "n_pairable_values": int(pairable[pairable >= 2].sum()),
        "note": "",
    }
    reason = no_variation_reason(counts, values)
    if reason is not None:
        return row | {"note": undefined_note or reason}
    row["alpha"] = round(nominal_alpha(counts), DECIMALS)
    resampled = weighted_nominal_alphas(counts, weights)
    interval = percentile_interval(resampled, confidence)
    if interval is None:
        return row | {"note": "no bootstrap resample had variation; no interval"}
    row["ci_lower"], row["ci_upper"] = (round(bound, DECIMALS) for bound in interval)
    undefined = int((~np.isfinite(resampled)).sum())
    if undefined:
        row["note"] = (
            f"interval from the {len(resampled) - undefined:,} of {len(resampled):,} resamples "
            "with variation"
        )
    return row


def alpha_table(double: pd.DataFrame, codes: Sequence[str], settings: Mapping) -> pd.DataFrame:
    """One row per measure (code, direction) and scope (overall, then each code in codebook
    order), with the columns of :func:`alpha_estimate`.

    - code, overall: nominal alpha of the code assigned to each segment;
    - code, <code>: binary alpha of that code's presence (:func:`presence_counts`);
    - direction, overall: nominal alpha of the direction of each segment;
    - direction, <code>: the same on the segments to which every coder assigned <code>, i.e.
      how reliably coders who agree on what a segment is about judge its direction.

    One set of resamples of all double-coded segments serves every row, so a per-code direction
    alpha is recomputed on whichever of its segments each resample drew (the other segments'
    value counts are zero there: no pairable values).
    """
    directions = sorted(double["direction"].unique())
    code_counts = value_counts(double, "code", codes)
    direction_counts = value_counts(double, "direction", directions)
    rng = np.random.default_rng(settings["seed"])
    weights = resample_weights(len(code_counts), settings["bootstrap_samples"], rng)
    confidence = settings["confidence"]
    coders = code_counts.sum(axis=1)
    rows = [
        {"measure": "code", "scope": "overall"}
        | alpha_estimate(code_counts, codes, weights, confidence)
    ]
    for index, code in enumerate(codes):
        unused = None if code_counts[:, index].any() else NEVER_ASSIGNED
        counts = presence_counts(code_counts, index)
        rows.append(
            {"measure": "code", "scope": code}
            | alpha_estimate(counts, PRESENCE, weights, confidence, unused)
        )
    rows.append(
        {"measure": "direction", "scope": "overall"}
        | alpha_estimate(direction_counts, directions, weights, confidence)
    )
    for index, code in enumerate(codes):
        agreed = code_counts[:, index] == coders
        rows.append(
            {"measure": "direction", "scope": code}
            | alpha_estimate(
                np.where(agreed[:, None], direction_counts, 0),
                directions,
                weights,
                confidence,
                None if agreed.any() else "no segment to which every coder assigned this code",
            )
        )
    return pd.DataFrame(rows)


def coder_pairs(double: pd.DataFrame) -> pd.DataFrame:
    """Every pair of coders on every double-coded segment, one row each: the unit, ``coder_1`` <
    ``coder_2`` (by name), and each one's ``code_*`` and ``direction_*``. A segment with m coders
    gives m (m - 1) / 2 rows."""
    pairs = double.merge(double, on=UNIT, suffixes=("_1", "_2"))
    return pairs[pairs["coder_1"] < pairs["coder_2"]].reset_index(drop=True)


def percent_agreement(first: pd.Series, second: pd.Series) -> float:
    """Share of units on which two coders gave the same value, in percent."""
    return 100 * float((first.to_numpy() == second.to_numpy()).mean())


def cohens_kappa(first: pd.Series, second: pd.Series) -> float | None:
    """Cohen's (1960, Educational and Psychological Measurement 20:37-46) kappa, (p_o - p_e) /
    (1 - p_e) with p_e from each coder's own marginal distribution, by scikit-learn.

    None when it is undefined: both coders used one and the same value throughout (p_e = 1).
    """
    if len(set(first) | set(second)) < 2:
        return None
    return float(cohen_kappa_score(first, second))


def agreement_table(pairs: pd.DataFrame) -> pd.DataFrame:
    """Per pair of coders (by name): segments both coded, percent agreement and Cohen's kappa on
    the code and on the direction. Kappa is a two-coder coefficient, hence per pair; alpha is the
    coefficient across all coders."""
    rows = []
    for (first, second), pair in pairs.groupby(["coder_1", "coder_2"], sort=True):
        row = {"coder_1": first, "coder_2": second, "n_segments": len(pair)}
        notes = []
        for measure in MEASURES:
            values = pair[f"{measure}_1"], pair[f"{measure}_2"]
            kappa = cohens_kappa(*values)
            row[f"percent_agreement_{measure}"] = round(
                percent_agreement(*values), PERCENT_DECIMALS
            )
            row[f"kappa_{measure}"] = None if kappa is None else round(kappa, DECIMALS)
            if kappa is None:
                notes.append(
                    f"kappa ({measure}) undefined: both coders used only {values[0].iloc[0]!r}"
                )
        rows.append(row | {"note": "; ".join(notes)})
    columns = ["coder_1", "coder_2", "n_segments"]
    columns += [f"percent_agreement_{m}" for m in MEASURES] + [f"kappa_{m}" for m in MEASURES]
    return pd.DataFrame(rows, columns=[*columns, "note"])


def disagreement_table(double: pd.DataFrame) -> pd.DataFrame:
    """One row per double-coded segment on which the coders differ in code or direction, in
    collection order: pseudonym, segment, the coders (``;``-separated, by name) and, in the same
    order, their codes and directions, and what they differ on.

    The table is public (``results/``), so it holds no excerpt: the authors look a segment's
    excerpt up in the release by pseudonym and segment when they reconcile. The segments are
    filtered before the (slow, per segment) joins of names and values.
    """
    distinct = double.groupby(UNIT, sort=False)[["code", "direction"]].transform("nunique")
    differing = double[(distinct > 1).any(axis=1)]
    units = (
        differing.groupby(UNIT, sort=False)
        .agg(
            coders=("coder", ";".join),
            codes=("code", ";".join),
            directions=("direction", ";".join),
            distinct_codes=("code", "nunique"),
            distinct_directions=("direction", "nunique"),
        )
        .reset_index()
    )
    code_differs = units["distinct_codes"] > 1
    direction_differs = units["distinct_directions"] > 1
    units["differs_on"] = np.select(
        [code_differs & direction_differs, code_differs],
        ["code and direction", "code"],
        "direction",
    )
    return units[[*UNIT, "coders", "codes", "directions", "differs_on"]]


def reliability_numbers(
    release: PublicRelease,
    double: pd.DataFrame,
    alphas: pd.DataFrame,
    pairs: pd.DataFrame,
    agreement: pd.DataFrame,
    disagreements: pd.DataFrame,
    settings: Mapping,
) -> dict:
    """The numbers the paper cites. ``percent_agreement`` pools every within-segment pair of
    coders; ``kappa_range`` spans the coder pairs whose kappa is defined."""
    overall = alphas[alphas["scope"] == "overall"].drop(columns="scope").set_index("measure")
    undefined = alphas[(alphas["measure"] == "code") & alphas["alpha"].isna()]
    kappa_range = {}
    for measure in MEASURES:
        kappas = agreement[f"kappa_{measure}"].dropna()
        kappa_range[measure] = None if kappas.empty else [float(kappas.min()), float(kappas.max())]
    differs = disagreements["differs_on"]
    return {
        "synthetic": release.synthetic,
        "n_segments": len(release.coding[UNIT].drop_duplicates()),
        "n_double_coded_segments": len(double[UNIT].drop_duplicates()),
        "n_double_coded_interviews": int(double["pseudonym"].nunique()),
        "coders": sorted(double["coder"].unique()),
        "alpha": dict(zip(overall.index, json_records(overall), strict=True)),
        "percent_agreement": {
            measure: round(
                percent_agreement(pairs[f"{measure}_1"], pairs[f"{measure}_2"]), PERCENT_DECIMALS
            )
            for measure in MEASURES
        },
        "coder_pairs": json_records(agreement),
        "kappa_range": kappa_range,
        "n_disagreements": {
            "any": len(disagreements),
            "code": int(differs.str.startswith("code").sum()),
            "direction": int(differs.str.endswith("direction").sum()),
        },
        "codes_with_undefined_alpha": list(undefined["scope"]),
        "bootstrap": {
            "samples": settings["bootstrap_samples"],
            "seed": settings["seed"],
            "confidence": settings["confidence"],
            "method": "double-coded segments resampled with replacement; percentile interval",
        },
    }


def run_reliability(release: PublicRelease, settings: Mapping, outputs: ReliabilityOutputs) -> dict:
    """Compute every table from the double-coded segments, then write all outputs or none;
    return the numbers."""
    double = double_coded(release)
    alphas = alpha_table(double, release.codebook.ids(), settings)
    pairs = coder_pairs(double)
    agreement = agreement_table(pairs)
    disagreements = disagreement_table(double)
    unitizing, unitizing_numbers = unitizing_table(release, settings)
    numbers = reliability_numbers(
        release, double, alphas, pairs, agreement, disagreements, settings
    ) | {"unitizing": unitizing_numbers}
    write_all_or_nothing(
        {
            outputs.alpha: csv_text(alphas),
            outputs.agreement: csv_text(agreement),
            outputs.disagreements: csv_text(disagreements),
            outputs.unitizing: csv_text(unitizing),
            outputs.numbers: json_text(numbers),
        }
    )
    return numbers
