"""Stage 3, saturation: did the interviews stop turning up new codes, and how many stay unseen?

Interviews are the sampling units, taken in collection order (``release.interviews``); a code is
*found* in an interview when any segment of it, by any coder, carries the code
(:func:`~peacekeeping_interviews.analysis.release.incidence_matrix`). On that incidence the stage
reports

1. the accumulation of distinct codes, for all codes and for each part of the codebook;
2. the saturation point of Guest, Namey & Chen (2020) for every configured base size, run length
   and new-information threshold, with the new information of every run;
3. the order effect: the same curve and saturation points over random interview orders, next to
   the exact expected curve (Kindt's "exact" accumulation, as in vegan ``specaccum``);
4. incidence-based estimates of how many codes exist (Chao2, ICE, jackknives, bootstrap);
5. factor coverage and saturation within each released subgroup (level, function, ...).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from peacekeeping_interviews.analysis.figures import figure, figure_bytes
from peacekeeping_interviews.analysis.release import PublicRelease, incidence_matrix
from peacekeeping_interviews.codebook import Codebook
from peacekeeping_interviews.disclosure import released_order
from peacekeeping_interviews.files import csv_text, json_records, json_text, write_all_or_nothing
from peacekeeping_interviews.problems import InputError, Problem
from peacekeeping_interviews.stage_outputs import SaturationOutputs
from peacekeeping_interviews.vocabulary import WITHHELD

DIGITS = 4
NOT_RECORDED = "(not recorded)"
# Chao & Lee (1992) and Lee & Chao (1994) call a class "infrequent" when it is seen at most 10
# times; EstimateS and SpadeR keep that cut-off as the default for ICE.
INFREQUENT_MAX = 10


# --- accumulation -------------------------------------------------------------------------------


def first_found(incidence: np.ndarray) -> np.ndarray:
    """Per code (column), the 0-based position of the first interview (row) that carries it;
    the number of rows for a code no interview carries."""
    found = incidence.any(axis=0)
    return np.where(found, incidence.argmax(axis=0), incidence.shape[0])


def accumulation_curve(incidence: np.ndarray) -> np.ndarray:
    """Distinct codes found in the first 1, 2, ..., n interviews (rows in the given order)."""
    n = incidence.shape[0]
    new = np.bincount(first_found(incidence), minlength=n + 1)[:n]
    return np.cumsum(new)


def code_groups(codebook: Codebook) -> list[tuple[str, list[str]]]:
    """The parts of the codebook that get their own accumulation curve: all codes, all factors,
    the factors of each category, the response types and the themes (codebook order)."""
    groups = [("all_codes", codebook.ids()), ("all_factors", codebook.ids("factor"))]
    for category, _label in codebook.categories:
        ids = [c.id for c in codebook.codes if c.kind == "factor" and c.category == category]
        groups.append((f"factors:{category}", ids))
    groups += [("responses", codebook.ids("response")), ("themes", codebook.ids("theme"))]
    return groups


def accumulation_table(incidence: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Tidy accumulation in collection order: one row per code group and interview."""
    frames = []
    for group, ids in code_groups(codebook):
        curve = accumulation_curve(incidence[ids].to_numpy())
        frames.append(
            pd.DataFrame(
                {
                    "code_group": group,
                    "position": np.arange(1, len(curve) + 1),
                    "pseudonym": incidence.index.to_numpy(),
                    "new_codes": np.diff(curve, prepend=0),
                    "cumulative_codes": curve,
                    "codes_in_group": len(ids),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# --- Guest, Namey & Chen (2020) ------------------------------------------------------------------


@dataclass(frozen=True)
class GridPoint:
    """One combination of the Guest et al. (2020) parameters."""

    base_size: int
    run_length: int
    threshold: float


def guest_grid(settings: Mapping) -> list[GridPoint]:
    """Every base size x run length x threshold of the settings, in the configured order."""
    return [
        GridPoint(int(base), int(run), float(threshold))
        for base, run, threshold in itertools.product(
            settings["base_sizes"], settings["run_lengths"], settings["thresholds"]
        )
    ]


def guest_runs(
    curves: np.ndarray, base_size: int, run_length: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The runs of Guest, Namey & Chen (2020) for each accumulation curve (rows of ``curves``).

    Guest G, Namey E, Chen M (2020), "A simple method to assess and report thematic saturation in
    qualitative research", PLOS ONE 15(5): e0232076, doi:10.1371/journal.pone.0232076. The *base*
    is the first ``base_size`` interviews and its number of distinct codes is the fixed
    denominator. A *run* is ``run_length`` consecutive interviews after the base; runs start at
    interview ``base_size + 1`` and move on one interview at a time (they overlap). The new
    information of a run is the number of codes first found in it (not in any earlier interview,
    base or run) divided by the number of codes in the base (:func:`new_information`). Only
    complete runs are assessed. The paper tries bases of 4 to 6 interviews, runs of 2 or 3 and
    thresholds of at most 5% or 0% new information, and notes that meeting a threshold does not
    guarantee saturation.

    Returns ``(before, base_codes, new)``: for each run the number of interviews before it
    (1-D), per curve the codes in its base (1-D; zero when there are fewer interviews than the
    base), and per curve and run the codes first found in the run.
    """
    curves = np.atleast_2d(curves)
    n = curves.shape[1]
    before = np.arange(base_size, n - run_length + 1)
    if n < base_size:
        return before, np.zeros(curves.shape[0], dtype=curves.dtype), curves[:, :0]
    base_codes = curves[:, base_size - 1]
    new = curves[:, base_size + run_length - 1 :] - curves[:, base_size - 1 : n - run_length]
    return before, base_codes, new


def new_information(new: np.ndarray, base_codes: np.ndarray) -> np.ndarray:
    """Guest et al.'s share of new information: new codes of each run (curves x runs) over the
    codes in the curve's base; NaN where the base holds no code."""
    base = np.broadcast_to(np.asarray(base_codes, dtype=float)[:, None], new.shape)
    return np.divide(new, base, out=np.full(new.shape, np.nan), where=base > 0)


def guest_saturation_points(
    curves: np.ndarray, base_size: int, run_length: int, threshold: float
) -> np.ndarray:
    """Per curve, the Guest et al. (2020) saturation point, NaN where it is never reached.

    Saturation is reached at the first run whose new information is at most ``threshold``; the
    point is the number of interviews *before* that run, the run being the evidence that little
    or nothing new followed. Guest et al. write it with the run, e.g. ``8+2`` for saturation at
    interview 8 confirmed by interviews 9 and 10; the interviews needed to see it are point +
    run length.
    """
    return first_saturated(*guest_runs(curves, base_size, run_length), threshold)


def first_saturated(
    before: np.ndarray, base_codes: np.ndarray, new: np.ndarray, threshold: float
) -> np.ndarray:
    """Per curve (from :func:`guest_runs`), the interviews before the first run whose new
    information is at most ``threshold``; NaN when no run qualifies or the base holds no code.

    A run qualifies when new / base codes <= threshold. Instead of forming that share for every
    run of every curve (a float array eight times the size of ``new``), the largest qualifying
    number of new codes is found once per distinct base count, with the same floating-point
    division, and the runs are compared with it: the same answer in a fraction of the memory.
    """
    candidates = np.arange(int(new.max(initial=0)) + 1)
    allowed = np.full(len(base_codes), -1)
    for base in np.unique(base_codes[base_codes > 0]):
        allowed[base_codes == base] = np.count_nonzero(candidates / base <= threshold) - 1
    saturated = new <= allowed[:, None]
    reached = saturated.any(axis=1)
    first = saturated.argmax(axis=1) if before.size else np.zeros(len(reached), dtype=int)
    points = np.full(len(reached), np.nan)
    points[reached] = before[first[reached]]
    return points


def guest_outcome(curve: np.ndarray, point: GridPoint) -> dict:
    """The saturation point of one curve at one grid point, or ``None`` with the reason."""
    (saturation,) = guest_saturation_points(
        curve, point.base_size, point.run_length, point.threshold
    )
    reached = not np.isnan(saturation)
    base_codes = int(curve[point.base_size - 1]) if len(curve) >= point.base_size else None
    return {
        "base_size": point.base_size,
        "run_length": point.run_length,
        "threshold": point.threshold,
        "base_codes": base_codes,
        "saturation_point": int(saturation) if reached else None,
        "interviews_with_run": int(saturation) + point.run_length if reached else None,
        "notation": f"{int(saturation)}+{point.run_length}" if reached else None,
        "reason": "" if reached else _not_reached(len(curve), base_codes, point),
    }


def _not_reached(interviews: int, base_codes: int | None, point: GridPoint) -> str:
    needed = point.base_size + point.run_length
    if interviews < needed:
        return (
            f"only {interviews} interview{'s' if interviews != 1 else ''}; one run needs {needed} "
            f"(base {point.base_size} + run {point.run_length})"
        )
    if base_codes == 0:
        return f"no code found in the base of {point.base_size} interviews"
    return (
        f"no complete run of {point.run_length} interviews up to interview {interviews} "
        f"adds at most {_percent(point.threshold)} of the base's {base_codes} codes"
    )


def guest_runs_table(curve: np.ndarray, grid: Sequence[GridPoint]) -> pd.DataFrame:
    """Every run of every base size and run length of the grid (thresholds do not change runs)."""
    rows = []
    designs = dict.fromkeys((p.base_size, p.run_length) for p in grid)
    for base_size, run_length in designs:
        before, base_codes, new = guest_runs(curve, base_size, run_length)
        proportion = new_information(new, base_codes)
        for i, start in enumerate(before):
            rows.append(
                {
                    "base_size": base_size,
                    "run_length": run_length,
                    "run": i + 1,
                    "first_interview": int(start) + 1,
                    "last_interview": int(start) + run_length,
                    "base_codes": int(curve[base_size - 1]),
                    "new_codes": int(new[0, i]),
                    "proportion_new": _rounded(proportion[0, i]),
                }
            )
    columns = [
        "base_size",
        "run_length",
        "run",
        "first_interview",
        "last_interview",
        "base_codes",
        "new_codes",
        "proportion_new",
    ]
    return pd.DataFrame(rows, columns=columns)


# --- order effect --------------------------------------------------------------------------------


def random_positions(n_interviews: int, orders: int, seed: int) -> np.ndarray:
    """``orders`` random interview orders as positions: row ``o`` gives, for each interview (in
    collection order), its 0-based position in order ``o``. Each row is a uniform random
    permutation drawn with :meth:`numpy.random.Generator.permuted` from ``default_rng(seed)``,
    shuffled in place so that only one orders x interviews array is ever held, of the smallest
    integer type that holds the positions (two bytes up to 32,768 interviews)."""
    positions = np.tile(np.arange(n_interviews, dtype=_count_dtype(n_interviews - 1)), (orders, 1))
    return np.random.default_rng(seed).permuted(positions, axis=1, out=positions)


def curves_for_positions(incidence: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Accumulation curves (orders x interviews) for interview orders given as positions.

    Vectorised over orders: a code is first found in an order at the smallest position of the
    interviews that carry it, so each code costs one minimum over its interviews' columns and
    adds one new code per order at that position; the curves are the cumulative sums, in place.
    They hold counts of codes, so they use the smallest integer type that holds the number of
    codes (one byte up to 127 codes): at 20,000 interviews and 1,000 orders, 20 MB instead of
    80 MB for the curves and for every array derived from them.
    """
    orders, n = positions.shape
    carriers = [np.flatnonzero(column) for column in np.asarray(incidence, dtype=bool).T]
    carriers = [interviews for interviews in carriers if interviews.size]
    every_order = np.arange(orders)
    curves = np.zeros((orders, n), dtype=_count_dtype(len(carriers)))
    for interviews in carriers:
        curves[every_order, positions[:, interviews].min(axis=1)] += 1
    return np.cumsum(curves, axis=1, out=curves)


def _count_dtype(maximum: int) -> type[np.signedinteger]:
    """The smallest signed integer type that holds every count from 0 to ``maximum``."""
    return next(t for t in (np.int8, np.int16, np.int32, np.int64) if maximum <= np.iinfo(t).max)


def random_order_curves(incidence: np.ndarray, orders: int, seed: int) -> np.ndarray:
    """Accumulation curves of ``orders`` random interview orders (orders x interviews)."""
    positions = random_positions(incidence.shape[0], orders, seed)
    return curves_for_positions(incidence, positions)


def expected_accumulation(incidence: np.ndarray) -> np.ndarray:
    """Expected distinct codes after n = 1..N interviews drawn without replacement, averaged
    over all orders: sum over codes of 1 - C(N - f_j, n) / C(N, n), where f_j is the number of
    interviews carrying code j.

    This is the "exact" accumulation curve of Kindt (Kindt, van Damme & Simons 2006, as in vegan
    ``specaccum(method = "exact")``; also Ugland, Gray & Ellingsen 2003). The ratio of binomial
    coefficients is evaluated as the product of (N - f_j - k) / (N - k), k < n, which stays exact
    in floating point where the coefficients themselves would overflow.
    """
    n = incidence.shape[0]
    frequency = incidence.sum(axis=0)[:, None]
    k = np.arange(n)[None, :]
    factors = np.clip(n - frequency - k, 0, None) / (n - k)
    return (1 - np.cumprod(factors, axis=1)).sum(axis=0)


def order_effect_curve(
    observed: np.ndarray, curves: np.ndarray, expected: np.ndarray, band: float
) -> pd.DataFrame:
    """Per position: the collection-order count, and the mean and central ``band`` of the
    random-order curves (quantiles with numpy's default linear interpolation), and the exact
    expectation."""
    lower, upper = np.quantile(curves, [(1 - band) / 2, 1 - (1 - band) / 2], axis=0)
    return pd.DataFrame(
        {
            "position": np.arange(1, curves.shape[1] + 1),
            "observed": observed,
            "mean": np.round(curves.mean(axis=0), DIGITS),
            "lower": np.round(lower, DIGITS),
            "upper": np.round(upper, DIGITS),
            "expected": np.round(expected, DIGITS),
        }
    )


def order_effect_saturation(
    curves: np.ndarray, grid: Sequence[GridPoint]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The distribution of Guest saturation points over random orders, per grid point.

    Returns a summary (share of orders that saturate; median, minimum and maximum over the
    orders that do) and the counts of orders per saturation point (an empty point: never
    reached). The runs of a base size and run length are computed once for all its thresholds.
    """
    summary, counts = [], []
    for design, points in itertools.groupby(grid, key=lambda p: (p.base_size, p.run_length)):
        runs = guest_runs(curves, *design)
        for point in points:
            row, rows = _distribution(first_saturated(*runs, point.threshold), point)
            summary.append(row)
            counts += rows
    columns = ["base_size", "run_length", "threshold", "saturation_point", "orders"]
    count_table = pd.DataFrame(counts, columns=columns)
    count_table["saturation_point"] = count_table["saturation_point"].astype("Int64")
    return pd.DataFrame(summary), count_table


def _distribution(points: np.ndarray, point: GridPoint) -> tuple[dict, list[dict]]:
    keys = asdict(point)
    reached = points[~np.isnan(points)]
    summary = {
        **keys,
        "orders": len(points),
        "orders_saturated": len(reached),
        "share_saturated": _rounded(len(reached) / len(points)),
        "median_point": _rounded(np.median(reached)) if reached.size else None,
        "min_point": int(reached.min()) if reached.size else None,
        "max_point": int(reached.max()) if reached.size else None,
    }
    values, frequency = np.unique(reached.astype(int), return_counts=True)
    counts = [
        {**keys, "saturation_point": int(v), "orders": int(f)} for v, f in zip(values, frequency)
    ]
    if len(reached) < len(points):
        counts.append({**keys, "saturation_point": None, "orders": len(points) - len(reached)})
    return summary, counts


# --- richness estimators -------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """An estimate of the number of codes (seen and unseen), its standard error when the
    estimator has one, and a note when the estimate is undefined."""

    estimate: float | None
    se: float | None
    note: str = ""


def _frequencies(incidence: np.ndarray) -> tuple[int, np.ndarray, int, int, int]:
    """(m interviews, frequencies of the observed codes, S observed, Q1 uniques, Q2 duplicates)."""
    frequency = np.asarray(incidence, dtype=bool).sum(axis=0)
    observed = frequency[frequency > 0]
    return (
        incidence.shape[0],
        observed,
        int(observed.size),
        int((observed == 1).sum()),
        int((observed == 2).sum()),
    )


def chao2(incidence: np.ndarray) -> Estimate:
    """Chao2 with the small-sample factor (m-1)/m, in vegan ``specpool``'s convention.

    S + (m-1)/m * Q1^2 / (2 Q2) when there are duplicates (Q2 > 0); otherwise the bias-corrected
    form S + (m-1)/m * Q1 (Q1 - 1) / 2. Chao (1987), Biometrics 43: 783-791; small-sample
    factor from Chao et al. (2009), Ecology 90: 1125-1133, and Chiu et al. (2014), Biometrics
    70: 671-682. Q1 and Q2 are the codes found in exactly one and two interviews, m the number
    of interviews. The variance is vegan's (Oksanen et al., vegan 2.6-4 ``specpool``; Chiu et
    al. 2014), including its Q2 = 0 branch.
    """
    m, _freq, observed, q1, q2 = _frequencies(incidence)
    if observed == 0:
        return Estimate(0.0, 0.0)
    a = (m - 1) / m
    if q2 > 0:
        g = q1 / q2
        estimate = observed + a * q1 * q1 / (2 * q2)
        variance = q1 * a * (0.5 + a * (1 + g / 4) * g) * g
    else:
        estimate = observed + a * q1 * (q1 - 1) / 2
        variance = a * (a * (q1 * (2 * q1 - 1) ** 2 / 4 - q1**4 / estimate / 4) + q1 * (q1 - 1) / 2)
    return Estimate(estimate, float(np.sqrt(max(variance, 0.0))))


def chao2_bias_corrected(incidence: np.ndarray) -> Estimate:
    """Bias-corrected Chao2: S + (m-1)/m * Q1 (Q1 - 1) / (2 (Q2 + 1)), defined for any Q2.

    Chao (2005), "Species estimation and applications", Encyclopedia of Statistical Sciences,
    2nd ed., 7907-7916; incidence form with the (m-1)/m factor as in Chao et al. (2009),
    Ecology 90: 1125-1133 and Gotelli & Colwell (2011, Biological Diversity, ch. 4, eq. 4.8).
    Variance as in SpadeR ``SpecInciChao2bc`` (Chao, Ma, Hsieh & Chiu 2016): with k = (m-1)/m,
    k Q1(Q1-1)/(2(Q2+1)) + k^2 Q1(2Q1-1)^2/(4(Q2+1)^2) + k^2 Q1^2 Q2 (Q1-1)^2/(4(Q2+1)^4)
    while the estimate exceeds S. Where it equals S (fewer than two uniques, or one interview)
    SpadeR switches to the variance of S itself, sum_j [exp(-f_j) - exp(-2 f_j)] -
    (sum_j f_j exp(-f_j))^2 / m over the frequencies f_j of the observed codes, and so does this
    function: the formula above would give 0 with no uniques and a positive SE for an estimate
    that adds nothing with one. (vegan's convention, in :func:`chao2`, keeps 0 there.)
    """
    m, frequency, observed, q1, q2 = _frequencies(incidence)
    k = (m - 1) / m
    estimate = observed + k * q1 * (q1 - 1) / (2 * (q2 + 1))
    if estimate > observed:
        variance = (
            k * q1 * (q1 - 1) / (2 * (q2 + 1))
            + k**2 * q1 * (2 * q1 - 1) ** 2 / (4 * (q2 + 1) ** 2)
            + k**2 * q1**2 * q2 * (q1 - 1) ** 2 / (4 * (q2 + 1) ** 4)
        )
    else:
        unseen = np.exp(-frequency.astype(float))
        variance = float((unseen - unseen**2).sum() - (frequency * unseen).sum() ** 2 / m)
    return Estimate(estimate, float(np.sqrt(max(variance, 0.0))))


def ice(incidence: np.ndarray, infrequent_max: int = INFREQUENT_MAX) -> Estimate:
    """Incidence-based coverage estimator (ICE).

    The sample-coverage estimator of Lee & Chao (1994), Biometrics 50: 88-97 (model M_h; the
    abundance analogue is Chao & Lee 1992, JASA 87: 210-217), applied to incidence as ICE by
    Chazdon, Colwell, Denslow & Guariguata (1998) and in the form of the EstimateS User's Guide
    (Colwell 2013, Appendix B):

        S_ice = S_freq + S_infr / C + Q1 / C * gamma^2,   C = 1 - Q1 / N_infr,
        gamma^2 = max(S_infr / C * m_infr / (m_infr - 1) * sum_j j (j-1) Q_j / N_infr^2 - 1, 0),

    where codes found in at most ``infrequent_max`` interviews are infrequent (S_infr of them,
    N_infr incidences in all), Q_j is the number of codes found in exactly j interviews, and
    m_infr the number of interviews with at least one infrequent code. Without infrequent codes
    the estimate is S. When every infrequent code is a unique (C = 0) it is undefined.

    Written by hand: vegan has no ICE. SpadeR's ``SpecInciModelh`` uses a modified coverage and
    t/(t-1) with N_infr (N_infr - 1); that variant gives other numbers. No standard error is
    reported (its delta-method variance is not in vegan, the peer the other estimators follow).
    """
    incidence = np.asarray(incidence, dtype=bool)
    frequency = incidence.sum(axis=0)
    infrequent = (frequency > 0) & (frequency <= infrequent_max)
    frequent = int((frequency > infrequent_max).sum())
    s_infr = int(infrequent.sum())
    if s_infr == 0:
        return Estimate(float(frequent), None)
    q1 = int((frequency == 1).sum())
    n_infr = int(frequency[infrequent].sum())
    coverage = 1 - q1 / n_infr
    if coverage == 0:
        return Estimate(None, None, "undefined: every infrequent code is found in one interview")
    m_infr = int(incidence[:, infrequent].any(axis=1).sum())
    j = frequency[infrequent]
    gamma2 = max(
        s_infr / coverage * m_infr / (m_infr - 1) * float((j * (j - 1)).sum()) / n_infr**2 - 1,
        0.0,
    )
    return Estimate(frequent + s_infr / coverage + q1 / coverage * gamma2, None)


def jackknife1(incidence: np.ndarray) -> Estimate:
    """First-order jackknife: S + Q1 (m-1)/m.

    Burnham & Overton (1978), Biometrika 65: 625-633, and (1979), Ecology 60: 927-936;
    incidence form by Heltshe & Forrester (1983), Biometrics 39: 1-11, and Smith & van Belle
    (1984), Biometrics 40: 119-129. Standard error: the jackknife variance
    (m-1)/m * sum_i (r_i - Q1/m)^2 = (m-1)/m * (sum_i r_i^2 - Q1^2/m), r_i being the number of
    uniques in interview i (Heltshe & Forrester 1983). vegan ``specpool`` 2.6-4 subtracts Q1/m
    instead of Q1^2/m; the two agree only when Q1 is 0 or 1.
    """
    incidence = np.asarray(incidence, dtype=bool)
    m, _freq, observed, q1, _q2 = _frequencies(incidence)
    uniques = incidence[:, incidence.sum(axis=0) == 1].sum(axis=1)
    variance = (m - 1) / m * (float((uniques**2).sum()) - q1**2 / m)
    return Estimate(observed + q1 * (m - 1) / m, float(np.sqrt(max(variance, 0.0))))


def jackknife2(incidence: np.ndarray) -> Estimate:
    """Second-order jackknife: S + Q1 (2m-3)/m - Q2 (m-2)^2 / (m (m-1)); S when m = 1.

    Burnham & Overton (1978, 1979); incidence form by Smith & van Belle (1984), Biometrics 40:
    119-129, as in vegan ``specpool``. No standard error: vegan has none either (vegan issue
    #526) and the closed form is not in these sources.
    """
    m, _freq, observed, q1, q2 = _frequencies(incidence)
    if m == 1:
        return Estimate(float(observed), None)
    return Estimate(observed + q1 * (2 * m - 3) / m - q2 * (m - 2) ** 2 / m / (m - 1), None)


def bootstrap_richness(incidence: np.ndarray) -> Estimate:
    """Bootstrap estimator: S + sum_j (1 - p_j)^m, p_j the share of interviews carrying code j.

    Smith & van Belle (1984), Biometrics 40: 119-129, with their variance
    sum_j q_j (1 - q_j) + 2 sum_{i<j} [(Z_ij / m)^m - q_i q_j], q_j = (1 - p_j)^m and Z_ij the
    number of interviews carrying neither code i nor j (as in vegan ``specpool``).
    """
    incidence = np.asarray(incidence, dtype=bool)
    m = incidence.shape[0]
    seen = incidence[:, incidence.any(axis=0)]
    q = (1 - seen.mean(axis=0)) ** m
    absent = (~seen).astype(np.int64)
    both_absent = absent.T @ absent
    pairs = (both_absent / m) ** m - np.outer(q, q)
    variance = float((q * (1 - q)).sum() + 2 * np.tril(pairs, k=-1).sum())
    return Estimate(seen.shape[1] + float(q.sum()), float(np.sqrt(max(variance, 0.0))))


ESTIMATORS = {
    "chao2": chao2,
    "chao2_bias_corrected": chao2_bias_corrected,
    "ice": ice,
    "jackknife1": jackknife1,
    "jackknife2": jackknife2,
    "bootstrap": bootstrap_richness,
}


def richness_table(incidence: np.ndarray) -> pd.DataFrame:
    """Each estimator's estimate, standard error, the unseen codes it implies and the ratio of
    observed to estimated codes."""
    observed = int(np.asarray(incidence, dtype=bool).any(axis=0).sum())
    rows = []
    for name, estimator in ESTIMATORS.items():
        result = estimator(incidence)
        estimate = result.estimate
        rows.append(
            {
                "estimator": name,
                "observed": observed,
                "estimate": _rounded(estimate),
                "se": _rounded(result.se),
                "unseen": _rounded(estimate - observed) if estimate is not None else None,
                "observed_ratio": (
                    _rounded(observed / estimate) if estimate is not None and estimate else None
                ),
                "note": result.note,
            }
        )
    return pd.DataFrame(rows)


# --- subgroups -----------------------------------------------------------------------------------


def subgroup_members(interviews: pd.DataFrame, columns: Sequence[str]) -> list[tuple]:
    """(column, value, row mask) per released value of each subgroup column, in released order.

    ``*`` (withheld by the anonymisation) is kept as a group of its own so that no interview
    drops out silently; an empty cell becomes ``(not recorded)``.
    """
    members = []
    for column in columns:
        values = interviews[column].fillna("").astype(str)
        for value in released_order(values.unique()):
            members.append((column, value or NOT_RECORDED, (values == value).to_numpy()))
    return members


def subgroup_tables(
    incidence: pd.DataFrame,
    interviews: pd.DataFrame,
    codebook: Codebook,
    columns: Sequence[str],
    grid: Sequence[GridPoint],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Factor coverage (interviews mentioning each factor) and the Guest saturation point of
    all codes, in collection order, within each subgroup value."""
    factors = [c for c in codebook.codes if c.kind == "factor"]
    factor_ids = [c.id for c in factors]
    coverage, saturation = [], []
    for column, value, mask in subgroup_members(interviews, columns):
        group = {
            "subgroup": column,
            "value": value,
            "withheld": value == WITHHELD,
            "n_interviews": int(mask.sum()),
        }
        mentions = incidence.loc[mask, factor_ids].sum(axis=0)
        coverage += [
            {**group, "factor": f.id, "category": f.category, "n_mentioning": int(mentions[f.id])}
            for f in factors
        ]
        curve = accumulation_curve(incidence.loc[mask].to_numpy())
        saturation += [{**group, **guest_outcome(curve, point)} for point in grid]
    return pd.DataFrame(coverage), _int_columns(pd.DataFrame(saturation))


def factors_never_found(coverage: pd.DataFrame) -> list[dict]:
    """Subgroup values in which at least one factor is mentioned by no interview."""
    missing = coverage[coverage["n_mentioning"] == 0]
    keys = ["subgroup", "value", "withheld", "n_interviews"]
    return [
        {
            "subgroup": subgroup,
            "value": value,
            "withheld": bool(withheld),
            "n_interviews": int(n),
            "factors": rows["factor"].tolist(),
        }
        for (subgroup, value, withheld, n), rows in missing.groupby(keys, sort=False)
    ]


# --- figures -------------------------------------------------------------------------------------


def accumulation_figure(
    curve_table: pd.DataFrame,
    codes_in_codebook: int,
    saturation: Sequence[dict],
    band: float,
    synthetic: bool,
) -> dict[str, bytes]:
    """Codes found by interview: collection order, random-order mean and band, and the
    saturation points of the first base size and run length."""
    with figure(6.5, 3.6, synthetic) as fig:
        ax = fig.add_subplot()
        x = curve_table["position"]
        ax.fill_between(
            x,
            curve_table["lower"],
            curve_table["upper"],
            color="#9ecae1",
            alpha=0.6,
            linewidth=0,
            label=f"random orders: central {_percent(band)}",
        )
        ax.plot(x, curve_table["mean"], color="#3182bd", label="random orders: mean")
        ax.step(x, curve_table["observed"], where="post", color="black", label="collection order")
        ax.axhline(codes_in_codebook, color="grey", linestyle=":", linewidth=1)
        for outcome, style in zip(saturation, ("--", "-.", ":", (0, (1, 3)))):
            text = f"≤{_percent(outcome['threshold'])}: "
            if outcome["saturation_point"] is None:
                ax.plot([], [], color="#d95f02", linestyle=style, label=text + "not reached")
                continue
            ax.axvline(
                outcome["saturation_point"],
                color="#d95f02",
                linestyle=style,
                linewidth=1,
                label=text + f"saturation at {outcome['notation']}",
            )
        first = saturation[0]
        ax.set_title(
            f"Guest et al. (2020): base {first['base_size']}, run {first['run_length']}",
            fontsize=9,
        )
        ax.set_xlabel("Interviews")

        ax.set_ylabel("Distinct codes found")
        ax.set_ylim(0, codes_in_codebook + 1)
        ax.set_xlim(1, max(int(x.max()), 2))
        ax.legend(loc="lower right", frameon=False, fontsize=7)
        return figure_bytes(fig)


def new_information_figure(
    runs: pd.DataFrame, thresholds: Sequence[float], synthetic: bool
) -> dict[str, bytes]:
    """New information per run (share of the base's codes) for one base size and run length,
    with the threshold lines. The runs are one step outline (``stairs``), not a bar each: with
    20,000 interviews, 20,000 bars took some ten seconds to draw."""
    with figure(6.5, 3.0, synthetic) as fig:
        ax = fig.add_subplot()
        for threshold, style in zip(thresholds, ("--", "-.", ":", (0, (1, 3)))):
            ax.axhline(
                100 * threshold,
                color="#d95f02",
                linestyle=style,
                linewidth=1,
                label=f"threshold {_percent(threshold)}",
            )
        if len(runs):
            first = runs["first_interview"].to_numpy()
            ax.stairs(
                100 * runs["proportion_new"].to_numpy(dtype=float),
                np.append(first, first[-1] + 1) - 0.5,
                fill=True,
                color="#3182bd",
            )
            ax.set_title(
                f"Base {runs['base_size'].iloc[0]}, run {runs['run_length'].iloc[0]}",
                fontsize=9,
            )
        ax.set_ylim(bottom=-0.04 * max(ax.get_ylim()[1], 1))
        ax.set_xlabel("First interview of the run")

        ax.set_ylabel("New codes (% of base codes)")
        ax.legend(loc="upper right", frameon=False, fontsize=7)
        return figure_bytes(fig)


# --- the stage -----------------------------------------------------------------------------------


def run_saturation(release: PublicRelease, settings: Mapping, outputs: SaturationOutputs) -> None:
    """Compute every output in memory, then write them all (or none)."""
    if len(release.interviews) == 0:
        raise InputError(
            [Problem("interviews.csv", None, None, 0, "at least one interview in the release")]
        )
    incidence = incidence_matrix(release)
    matrix = incidence.to_numpy()
    grid = guest_grid(settings)
    accumulation = accumulation_table(incidence, release.codebook)
    observed = accumulation_curve(matrix)

    saturation = [guest_outcome(observed, point) for point in grid]
    runs = guest_runs_table(observed, grid)

    curves = random_order_curves(matrix, int(settings["orders"]), int(settings["seed"]))
    band = float(settings["band"])
    curve_table = order_effect_curve(observed, curves, expected_accumulation(matrix), band)
    order_summary, order_counts = order_effect_saturation(curves, grid)

    richness = richness_table(matrix)
    coverage, subgroup_saturation = subgroup_tables(
        incidence, release.interviews, release.codebook, settings["subgroups"], grid
    )

    first = grid[0]
    first_design = [
        outcome
        for outcome in saturation
        if (outcome["base_size"], outcome["run_length"]) == (first.base_size, first.run_length)
    ]
    first_runs = runs[
        (runs["base_size"] == first.base_size) & (runs["run_length"] == first.run_length)
    ]
    curve_figure = accumulation_figure(
        curve_table, len(release.codebook.codes), first_design, band, release.synthetic
    )
    runs_figure = new_information_figure(first_runs, settings["thresholds"], release.synthetic)

    numbers = numbers_document(
        release, settings, accumulation, saturation, order_summary, richness, coverage
    )
    write_all_or_nothing(
        {
            outputs.accumulation: csv_text(accumulation),
            outputs.guest_runs: csv_text(runs),
            outputs.guest_saturation: csv_text(_int_columns(pd.DataFrame(saturation))),
            outputs.order_effect_curve: csv_text(curve_table),
            outputs.order_effect_saturation: csv_text(_int_columns(order_summary)),
            outputs.order_effect_saturation_counts: csv_text(order_counts),
            outputs.richness: csv_text(richness),
            outputs.subgroups: csv_text(coverage),
            outputs.subgroup_saturation: csv_text(subgroup_saturation),
            outputs.numbers: json_text(numbers),
            outputs.accumulation_svg: curve_figure["svg"],
            outputs.accumulation_png: curve_figure["png"],
            outputs.new_information_svg: runs_figure["svg"],
            outputs.new_information_png: runs_figure["png"],
        }
    )


def numbers_document(
    release: PublicRelease,
    settings: Mapping,
    accumulation: pd.DataFrame,
    saturation: list[dict],
    order_summary: pd.DataFrame,
    richness: pd.DataFrame,
    coverage: pd.DataFrame,
) -> dict:
    """The numbers the paper cites, from the stage's tables."""
    overall = accumulation[accumulation["code_group"] == "all_codes"]
    return {
        "synthetic": release.synthetic,
        "n_interviews": len(release.interviews),
        "n_codes_in_codebook": len(release.codebook.codes),
        "n_codes_observed": int(overall["cumulative_codes"].iloc[-1]),
        "codes_observed_by_group": {
            group: int(rows["cumulative_codes"].iloc[-1])
            for group, rows in accumulation.groupby("code_group", sort=False)
        },
        "guest_saturation": saturation,
        "order_effect": {
            "orders": int(settings["orders"]),
            "seed": int(settings["seed"]),
            "band": float(settings["band"]),
            "saturation": json_records(order_summary),
        },
        "richness": {
            row["estimator"]: {
                "estimate": row["estimate"],
                "se": row["se"],
                "observed_ratio": row["observed_ratio"],
                "note": row["note"],
            }
            for row in json_records(richness)
        },
        "subgroups_with_factor_never_found": factors_never_found(coverage),
    }


def _percent(share: float) -> str:
    """A share as a percentage without rounding it away: 0.05 -> ``5%``, 0.025 -> ``2.5%``."""
    return f"{100 * share:.10g}%"


def _rounded(value: float | None) -> float | None:
    if value is None or np.isnan(value):
        return None
    return round(float(value), DIGITS)


def _int_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Counts that may be missing stay integers in the CSV (``8``, not ``8.0``)."""
    table = table.copy()
    for column in (
        "base_codes",
        "saturation_point",
        "interviews_with_run",
        "min_point",
        "max_point",
    ):
        if column in table:
            table[column] = table[column].astype("Int64")
    return table
