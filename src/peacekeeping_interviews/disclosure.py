"""Statistical disclosure control of the released interview table: k-anonymity by global
generalisation along configured hierarchies, then local suppression of what still fails.

The search is full-domain generalisation over the lattice of hierarchy levels with a suppression
budget (Samarati 2001, "Protecting respondents' identities in microdata release", IEEE TKDE
13(6)): among the level vectors whose remaining small classes can be suppressed within
``max_suppression``, the lowest total height wins, then the fewest suppressed rows, then the vector
that keeps earlier-listed quasi-identifiers most detailed. It is written here because no maintained
Python library offers hierarchy-driven generalisation with a suppression budget; k itself is
measured with pycanon.

Only rows whose consent is not ``named`` are protected and counted: a named row is identified by
design, so it must never be what makes a non-named class look large (the cross-tier check).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pycanon import anonymity

from peacekeeping_interviews.problems import InputError, Problem

WITHHELD = "*"
Hierarchy = Sequence[Mapping[str, str]]


@dataclass(frozen=True)
class DisclosureResult:
    """The protected quasi-identifier columns (all rows) and what was done to reach them."""

    table: pd.DataFrame
    levels: dict[str, int]
    suppressed: pd.Series
    k_before: int
    k_after: int


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
    unique = values.unique()
    for value in unique:
        items = [item for item in str(value).split(";") if item]
        for step in hierarchy[:level]:
            items = [step.get(item, item) for item in items]
        mapping[value] = ";".join(sorted(set(items)))
    return values.map(mapping)


def equivalence_class_sizes(table: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """For each row, how many rows of ``table`` share its values on ``columns``."""
    return table.groupby(list(columns), sort=False, dropna=False)[columns[0]].transform("size")


def _rows_to_suppress(sizes: pd.Series, k_min: int) -> pd.Index | None:
    """Rows to withhold so every remaining class and the withheld group have at least k_min rows.

    Rows of classes below k_min are withheld. If that withheld group is itself smaller than k_min,
    it is topped up with rows taken from the largest classes that can spare them; ``None`` when no
    such top-up exists.
    """
    failing = sizes.index[sizes < k_min]
    shortfall = (k_min - len(failing)) if 0 < len(failing) < k_min else 0
    if shortfall == 0:
        return failing
    spare = sizes[sizes >= k_min + 1].sort_values(ascending=False, kind="stable")
    taken: list = []
    for size, rows in spare.groupby(spare, sort=False):
        can_take = min(int(size) - k_min, len(rows), shortfall - len(taken))
        taken.extend(rows.index[:can_take])
        if len(taken) == shortfall:
            return failing.append(pd.Index(taken))
    return None


def _lattice(heights: Sequence[int]) -> list[tuple[int, ...]]:
    nodes = itertools.product(*(range(h + 1) for h in heights))
    return sorted(nodes, key=lambda node: (sum(node), node))


def protect(
    table: pd.DataFrame,
    is_named: pd.Series,
    quasi_identifiers: Sequence[str],
    hierarchies: Mapping[str, Hierarchy],
    k_min: int,
    max_suppression: float,
) -> DisclosureResult:
    """Generalise and suppress quasi-identifiers until non-named rows are k_min-anonymous."""
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
    heights = [len(hierarchies.get(qi, [])) + 1 for qi in qis]
    budget = int(np.floor(max_suppression * n_protected))
    original = table.loc[protected_rows, qis].astype(str)
    k_before = _k(original, qis)
    for node in _lattice(heights):
        candidate = pd.DataFrame(
            {
                qi: generalise(original[qi], hierarchies.get(qi, []), lvl)
                for qi, lvl in zip(qis, node)
            }
        )
        to_suppress = _rows_to_suppress(equivalence_class_sizes(candidate, qis), k_min)
        if to_suppress is not None and len(to_suppress) <= budget:
            break
    levels = dict(zip(qis, node))
    released = pd.DataFrame(
        {qi: generalise(table[qi].astype(str), hierarchies.get(qi, []), levels[qi]) for qi in qis}
    )
    suppressed = pd.Series(False, index=table.index)
    suppressed.loc[to_suppress] = True
    released.loc[suppressed, qis] = WITHHELD
    return DisclosureResult(
        table=released,
        levels=levels,
        suppressed=suppressed,
        k_before=k_before,
        k_after=_k(released.loc[protected_rows], qis),
    )


def _k(table: pd.DataFrame, qis: list[str]) -> int:
    """k of the non-named rows as pycanon measures it (0 when there are none)."""
    if table.empty:
        return 0
    return int(anonymity.k_anonymity(table.reset_index(drop=True), qis))
