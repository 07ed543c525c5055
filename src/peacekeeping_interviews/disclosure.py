"""Statistical disclosure control of the released interview table: k-anonymity over every
quasi-identifier together, by global generalisation along hierarchies, then local (cell-level)
suppression of what still fails.

Only rows whose consent is not ``named`` are protected and counted: a named row is identified by
design, so it must never be what makes a non-named class look large (the cross-tier check, the
attacker who knows the named rows). Classes are counted literally: ``*`` is a value like any
other, so a row's class is exactly the rows that read the same in every quasi-identifier. A row
whose class has ``k`` rows is then one of at least ``k`` rows consistent with anything an
attacker knows about its interviewee.

Global generalisation follows Samarati (2001, "Protecting respondents' identities in microdata
release", IEEE TKDE 13(6)): one level of each column's hierarchy for the whole column. The level
vector is found by local search over that lattice, starting from every column withheld (always
k-anonymous) and moving one level at a time to the feasible neighbour with the least information
loss (each generalised cell costs its column's weight times its level over its height, each
withheld cell its weight), as ARX's and sdcMicro's users trade detail by hand. Local suppression
then withholds single cells, as sdcMicro's ``localSuppression`` does (Templ, Kowarik & Meindl
2015, *Journal of Statistical Software* 67(4)): the rows still in small classes are sorted on the
columns from most to least important and cut into consecutive groups of at least ``k_min`` (a
sorting form of the k-member clustering of Byun et al. 2007, DASFAA), and within each group the
cells where its rows differ are withheld. A group short of rows borrows the nearest rows of
classes that can spare them. Columns listed as ``fixed`` (the month, which the collection order
would reveal from its neighbours) are never withheld cell by cell, only generalised.

No maintained Python library offers hierarchy-driven generalisation with literal-class local
suppression (pycanon measures, it does not transform; sdcMicro and ARX are R and Java), so the
search and the suppression are written here, and k is measured with pycanon.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pycanon import anonymity

from peacekeeping_interviews.problems import InputError, Problem
from peacekeeping_interviews.vocabulary import WITHHELD

Hierarchy = Sequence[Mapping[str, str]]


@dataclass(frozen=True)
class DisclosureResult:
    """The protected quasi-identifier columns (all rows) and what was done to reach them:
    ``levels`` of global generalisation per column, ``withheld`` cells (local suppression) and
    ``k_before``/``k_after`` over the non-named rows."""

    table: pd.DataFrame
    levels: dict[str, int]
    maps: dict[str, int]
    withheld: pd.DataFrame
    k_before: int
    k_after: int

    @property
    def suppressed(self) -> pd.Series:
        """Rows with at least one cell withheld by local suppression."""
        return self.withheld.any(axis=1)


def released_order(values: Iterable[str]) -> list[str]:
    """Distinct released values in reading order: natural order (``2-5`` before ``10+``), then
    the withheld value ``*``, then an empty (unrecorded) cell. Every table of subgroups uses it."""
    distinct = set(values)
    ordered = sorted(distinct - {WITHHELD, ""}, key=_natural_key)
    return ordered + [v for v in (WITHHELD, "") if v in distinct]


def _natural_key(value: str) -> list:
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", value)
    ]


def masked_counts(counts: pd.Series, k_min: int) -> pd.Series:
    """Counts as text, with every count from 1 to ``k_min - 1`` shown as ``"<k_min"``.

    The threshold rule of frequency-table protection (Hundepool et al. 2012, *Statistical
    Disclosure Control*, section 5.2): a small cell could single out an interviewee. Zero stays
    visible, since it singles out no one.
    """
    small = (counts >= 1) & (counts < k_min)
    return counts.astype(str).where(~small, f"<{k_min}")


def calendar_hierarchy(months: Iterable[str]) -> list[dict[str, str]]:
    """Month (``YYYY-MM``) to quarter (``YYYY-Qn``) to year (``YYYY``); the implicit level above
    withholds the date altogether."""
    quarters = {
        m: f"{m[:4]}-Q{(int(m[5:7]) - 1) // 3 + 1}"
        for m in set(months)
        if re.fullmatch(r"\d{4}-\d{2}", m)
    }
    return [quarters, {q: q[:4] for q in quarters.values()}]


def generalise(values: pd.Series, hierarchy: Hierarchy, level: int) -> pd.Series:
    """Apply the first ``level`` maps of a hierarchy; one level past the maps withholds the value.

    Each ``;``-separated item is mapped on its own, and the mapped items are de-duplicated and
    sorted, so that ``MONUC;MONUSCO`` becomes ``central_africa``.
    """
    if level > len(hierarchy):
        return pd.Series(WITHHELD, index=values.index, dtype=object)
    if level == 0:
        return values
    mapping: dict[str, str] = {}
    for value in values.unique():
        items = [item for item in str(value).split(";") if item]
        for step in hierarchy[:level]:
            items = [step.get(item, item) for item in items]
        mapping[value] = ";".join(sorted(set(items)))
    return values.map(mapping)


def equivalence_class_sizes(table: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """For each row, how many rows of ``table`` share its values on ``columns`` (all of them,
    over no columns)."""
    if not columns:
        return pd.Series(len(table), index=table.index)
    return table.groupby(list(columns), sort=False, dropna=False)[columns[0]].transform("size")


def suppress_locally(
    values: pd.DataFrame, k_min: int, fixed: Sequence[str] = ()
) -> pd.DataFrame | None:
    """Cells to withhold so that every class of ``values`` (literal, ``*`` a value) has at least
    ``k_min`` rows; ``None`` when no grouping exists without withholding a ``fixed`` column.

    See the module docstring for the method. Rows are taken in order, so the result is
    deterministic.
    """
    columns = list(values.columns)
    mask = _suppression_mask(
        _codes(values, columns), k_min, [columns.index(c) for c in fixed if c in columns]
    )
    return None if mask is None else pd.DataFrame(mask, index=values.index, columns=columns)


def _codes(values: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """The table as integer codes, one column per column, equal codes for equal values."""
    if not len(values):
        return np.zeros((0, len(columns)), dtype=np.int64)
    return np.column_stack([pd.factorize(values[c])[0] for c in columns])


def _suppression_mask(
    codes: np.ndarray, k_min: int, fixed: list[int], order: Sequence[int] | None = None
) -> np.ndarray | None:
    """Which cells to withhold (see :func:`suppress_locally`). ``order`` lists the columns from
    most to least important: failing rows are sorted on them and cut into consecutive groups, so
    that a group's rows tend to agree on the important columns and differ, and lose values, on
    the others. Sorting makes it O(n log n), which a nearest-neighbour search is not."""
    n_rows, n_columns = codes.shape
    mask = np.zeros((n_rows, n_columns), dtype=bool)
    if n_rows == 0:
        return mask
    class_of, counts = _row_classes(codes)
    taken = counts[class_of] < k_min
    spare = np.maximum(counts - k_min, 0)
    failing = np.flatnonzero(taken)
    sort_columns = [*fixed, *(c for c in (order or range(n_columns)) if c not in fixed)]
    keys = [codes[failing, c] for c in reversed(sort_columns)]
    failing = failing[np.lexsort(keys)] if keys else failing
    fixed_keys = [tuple(codes[row, fixed]) for row in failing]
    start = 0
    while start < len(failing):
        end = start
        while end < len(failing) and fixed_keys[end] == fixed_keys[start]:
            end += 1
        peers = [int(r) for r in failing[start:end]]
        groups = [peers[i : i + k_min] for i in range(0, len(peers), k_min)]
        if len(groups) > 1 and len(groups[-1]) < k_min:
            last = groups.pop()
            groups[-1] += last
        if len(groups[-1]) < k_min:
            donors = _donors(
                codes, groups[-1][0], taken, class_of, spare, fixed, k_min - len(groups[-1])
            )
            if donors is None:
                return None
            groups[-1] += donors
        for group in groups:
            rows = codes[group]
            mask[np.ix_(np.asarray(group), np.flatnonzero((rows != rows[0]).any(axis=0)))] = True
        start = end
    return mask


def _row_classes(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's class (rows equal in every column share one) and each class's size, for
    ``codes`` as :func:`_codes` gives them (from -1, a missing value, to the number of rows).
    The columns are combined one at a time and the key factorised again, so that it stays below
    the number of rows squared and cannot overflow: hashing, where ``np.unique(axis=0)`` sorts
    the rows as byte strings (30 ms a call at 20,000 rows; the search calls it hundreds of
    times)."""
    if codes.size and (codes.min() < -1 or codes.max() >= len(codes)):
        raise ValueError("codes must run from -1 to the number of rows, as _codes gives them")
    class_of = np.zeros(len(codes), dtype=np.int64)
    for column in codes.T:
        shifted = column.astype(np.int64) + 1  # a missing value's code is -1
        class_of = pd.factorize(class_of * (int(shifted.max(initial=0)) + 1) + shifted)[0]
    return class_of, np.bincount(class_of)


def _donors(
    codes: np.ndarray,
    seed: int,
    taken: np.ndarray,
    class_of: np.ndarray,
    spare: np.ndarray,
    fixed: list[int],
    needed: int,
) -> list[int] | None:
    """The ``needed`` rows nearest to ``seed`` (same fixed values) from classes that can spare
    them and stay at k_min or more; ``None`` if there are too few. Marks the rows taken and
    lowers their classes' ``spare`` in place, so that no row or class gives twice."""
    eligible = ~taken & (spare[class_of] > 0) & (codes[:, fixed] == codes[seed, fixed]).all(axis=1)
    candidates = np.flatnonzero(eligible)
    distance = (codes[candidates] != codes[seed]).sum(axis=1)
    chosen: list[int] = []
    for row in candidates[np.argsort(distance, kind="stable")]:
        if spare[class_of[row]] > 0:
            spare[class_of[row]] -= 1
            taken[row] = True
            chosen.append(int(row))
            if len(chosen) == needed:
                return chosen
    return None


def _neighbours(node: tuple[int, ...], heights: Sequence[int]) -> list[tuple[int, ...]]:
    """Level vectors one column one level up or down from ``node``."""
    return [
        (*node[:n], node[n] + step, *node[n + 1 :])
        for n in range(len(node))
        for step in (-1, 1)
        if 0 <= node[n] + step <= heights[n]
    ]


def _information_loss(
    node: tuple[int, ...],
    mask: np.ndarray | None,
    heights: Sequence[int],
    weight: np.ndarray,
    n_rows: int,
    budget: int,
) -> float | None:
    """The loss of releasing ``n_rows`` rows at the levels ``node`` with the cells of ``mask``
    withheld (see :func:`protect`); ``None`` when there is no mask or it withholds cells in more
    than ``budget`` rows."""
    if mask is None or int(mask.any(axis=1).sum()) > budget:
        return None
    share = np.array(node) / np.array(heights)
    return float((weight * (share * n_rows + mask.sum(axis=0) * (1 - share))).sum())


def protect(
    table: pd.DataFrame,
    is_named: pd.Series,
    quasi_identifiers: Sequence[str],
    hierarchies: Mapping[str, Hierarchy],
    k_min: int,
    max_suppression: float,
    fixed: Sequence[str] = (),
    kept_for_named: Sequence[str] = (),
    weights: Mapping[str, float] | None = None,
) -> DisclosureResult:
    """Generalise and suppress quasi-identifiers until non-named rows are k_min-anonymous over all
    of them together.

    The search starts from every column withheld (always k_min-anonymous) and moves one level at a
    time, down or up, to the neighbour that loses least information while staying feasible:
    k_min reached with at most ``max_suppression`` of the non-named rows given a withheld cell. A
    cell's loss is its column's weight (1 unless ``weights`` says more) times its level over its
    height, or times 1 when withheld. Generalisation applies to every row, so a released value
    means the same in each; ``kept_for_named`` columns keep named rows' values (what their consent
    publishes)."""
    qis = list(quasi_identifiers)
    protected_rows = ~is_named.to_numpy()
    n_protected = int(protected_rows.sum())
    if 0 < n_protected < k_min:
        raise InputError(
            [
                Problem(
                    "interviews",
                    None,
                    "consent",
                    n_protected,
                    f"at least k_min={k_min} non-named interviews, or none",
                )
            ]
        )
    if not qis:
        nothing = pd.DataFrame(index=table.index)
        return DisclosureResult(nothing, {}, {}, nothing, n_protected, n_protected)
    original = table.loc[protected_rows, qis].astype(str)
    heights = [len(hierarchies.get(qi, [])) + 1 for qi in qis]
    weight = np.array([float((weights or {}).get(qi, 1.0)) for qi in qis])
    budget = int(np.floor(max_suppression * n_protected))
    fixed_positions = [qis.index(c) for c in fixed if c in qis]
    importance = sorted(range(len(qis)), key=lambda n: -weight[n])
    column_codes: dict[tuple[int, int], np.ndarray] = {}

    def codes_at(node: tuple[int, ...]) -> np.ndarray:
        for n, level in enumerate(node):
            if (n, level) not in column_codes:
                generalised = generalise(original[qis[n]], hierarchies.get(qis[n], []), level)
                column_codes[(n, level)] = pd.factorize(generalised)[0]
        return np.column_stack([column_codes[(n, lvl)] for n, lvl in enumerate(node)])

    def loss(node: tuple[int, ...]) -> float | None:
        mask = _suppression_mask(codes_at(node), k_min, fixed_positions, importance)
        return _information_loss(node, mask, heights, weight, n_protected, budget)

    best = tuple(heights)
    best_loss = loss(best)
    assert best_loss is not None, "every column withheld is one class of n_protected >= k_min"
    while True:
        neighbours = _neighbours(best, heights)
        scored = [(value, node) for node in neighbours if (value := loss(node)) is not None]
        if not scored or min(scored)[0] >= best_loss:
            break
        best_loss, best = min(scored)
    levels = dict(zip(qis, best))
    released = pd.DataFrame(
        {qi: generalise(table[qi].astype(str), hierarchies.get(qi, []), levels[qi]) for qi in qis}
    )
    for column in kept_for_named:
        if column in qis:
            released.loc[~protected_rows, column] = table.loc[~protected_rows, column].astype(str)
    withheld = pd.DataFrame(False, index=table.index, columns=qis)
    mask = _suppression_mask(codes_at(best), k_min, fixed_positions, importance)
    withheld.loc[table.index[protected_rows]] = mask
    released = released.mask(withheld, WITHHELD)
    k_after = k_anonymity(released.loc[protected_rows], qis)
    if n_protected and k_after < k_min:
        raise RuntimeError(f"disclosure control reached k={k_after} < k_min={k_min}")
    return DisclosureResult(
        table=released,
        levels=levels,
        maps={qi: len(hierarchies.get(qi, [])) for qi in qis},
        withheld=withheld,
        k_before=k_anonymity(original, qis),
        k_after=k_after,
    )


def k_anonymity(table: pd.DataFrame, columns: Sequence[str]) -> int:
    """k of the rows over ``columns`` as pycanon measures it; 0 without rows, and every row
    over no columns."""
    if not len(table):
        return 0
    if not columns:
        return len(table)
    return int(anonymity.k_anonymity(table.reset_index(drop=True), list(columns)))


def unique_rows(table: pd.DataFrame, columns: Sequence[str]) -> int:
    """How many rows are alone in their class over ``columns``."""
    return int((equivalence_class_sizes(table, columns) == 1).sum())


def utility_cost(original: pd.DataFrame, released: pd.DataFrame, withheld: pd.DataFrame) -> dict:
    """Per column, the cells generalised (released differently, not withheld), the cells withheld
    (``*`` where a value was collected) and how many of those were withheld by local suppression;
    and the rows with a locally withheld cell. Counted over the rows given (the non-named ones)."""
    columns = {}
    for column in released.columns:
        before, after = original[column].astype(str), released[column]
        is_withheld = (after == WITHHELD) & (before != WITHHELD)
        columns[column] = {
            "cells_generalised": int(((after != before) & ~is_withheld).sum()),
            "cells_withheld": int(is_withheld.sum()),
            "cells_withheld_locally": int(withheld[column].sum()),
        }
    return {"columns": columns, "rows_suppressed": int(withheld.any(axis=1).sum())}
