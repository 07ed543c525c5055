"""Krippendorff's alpha for unitizing (u-alpha): agreement on coders' own selections of text.

In a QDA program each coder selects spans of a transcript and applies codes to them; the spans of
different coders rarely coincide, so the ordinary alpha for predefined units does not apply. This
module implements Krippendorff's unitizing alpha on raw character positions, written by hand from
the published definitions (no maintained Python library implements it; pygamma-agreement
implements a different coefficient, Mathet et al.'s gamma).

Estimator (Krippendorff 2004, *Content Analysis: An Introduction to Its Methodology*, 2nd ed.,
Sage, chapter on reliability, section on unitizing, worked example p. 254; it restates and
corrects the expected disagreement of Krippendorff 1995, "On the reliability of unitizing
continuous data", *Sociological Methodology* 25: 47-76). For one value (code) ``c``, a continuum
of length ``L`` and ``m`` coders, each coder's continuum is a sequence of *sections*: the coder's
units of value ``c`` and the gaps between them (everything the coder did not code ``c``,
including stretches coded with other values). A section of coder ``i`` has begin ``b``, length
``l`` and is a unit or a gap. The distance between section ``g`` of coder ``i`` and section ``h``
of coder ``j`` is the squared length of the stretches on which they do not match
(:func:`section_distance`):

- two overlapping units: ``(b_g - b_h)**2 + (b_g + l_g - b_h - l_h)**2``;
- a unit lying inside the other coder's gap: ``l_unit**2``;
- otherwise (gap and gap, units that do not overlap, a unit only partly in a gap): 0.

Observed disagreement for ``c``::

    Do_c = sum_{i != j} sum_g sum_h delta2(ig, jh) / (m (m - 1) L**2)

Expected disagreement for ``c``, with ``N_c`` the number of ``c`` units of all coders::

    De_c = (2 / L) * sum_{units u} [ (N_c - 1) (2 l_u**3 - 3 l_u**2 + l_u) / 3
                                      + l_u**2 * sum_{gaps h: l_h >= l_u} (l_h - l_u + 1) ]
           / [ m L (m L - 1) - sum_{units u} l_u (l_u - 1) ]

(gaps of all coders; the first term counts the disagreement of two units of ``c`` placed at random,
the second that of a unit placed at random inside a gap). Then ``u-alpha_c = 1 - Do_c / De_c``
(the binary coefficient for one code: its segments are units, everything else gap) and, over all
values, ``u-alpha = 1 - sum_c Do_c / sum_c De_c``.

Several continua (one per transcript, same coders) are pooled as if placed end to end into one
continuum: the numerators of ``Do`` are summed, the unit and gap lengths of all continua are
pooled and ``L`` is the summed length. Sections never cross a transcript boundary (a gap ending
one transcript and a gap opening the next stay two gaps), so no unit is imagined to straddle two
transcripts. (This pooling rule is ours, following the end-to-end reading; it was not checked
against a published multi-continuum example.)

Not implemented: the 2016 family of Krippendorff, Mathet, Bouvry & Widlöcher ("On the reliability
of unitizing textual continua: Further developments", *Quality & Quantity* 50), i.e.
``|u-alpha``, ``cu-alpha`` and ``Cu-alpha``, nor the coincidence-matrix formulation of
Krippendorff (2019, 4th ed., section 12.6). Krippendorff et al. (2016) revise the 2004 definition
because it "turned out to behave not as expected when applied to more than two observers"; the
2004 coefficient is computed here for any number of coders as published, but read it with that
caveat when ``m > 2``.

Conventions: positions are 0-based character offsets, ``end`` exclusive. A coder's segments of one
value may not overlap (:func:`merge_overlaps` unions them first if a QDA export has such
selections); segments of different values may. A coefficient whose expected disagreement is zero
(no unit of the value anywhere) is undefined and returned as NaN.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import permutations
from typing import NamedTuple

import numpy as np


@dataclass(frozen=True)
class Segment:
    """A coder's selection ``[start, end)`` of a continuum (character offsets) with its code."""

    start: int
    end: int
    value: str

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"segment needs 0 <= start < end, got [{self.start}, {self.end})")


class Continuum(NamedTuple):
    """One transcript: its length in characters and each coder's segments (possibly none)."""

    length: int
    codings: Mapping[str, Sequence[Segment]]


class Section(NamedTuple):
    """A stretch of one coder's continuum for one value: a unit of that value or a gap."""

    begin: int
    length: int
    is_unit: bool


@dataclass(frozen=True)
class ValueTerms:
    """The additive ingredients of ``Do_c`` and ``De_c`` for one value (poolable over continua).

    ``observed`` is the sum of ``delta2`` over ordered pairs of coders; ``units`` and ``gaps`` are
    the section lengths of all coders; ``length`` is the (summed) continuum length.
    """

    observed: int
    units: tuple[int, ...]
    gaps: tuple[int, ...]
    length: int


def section_distance(first: Section, second: Section) -> int:
    """Krippendorff's (2004) squared distance between two coders' sections for one value."""
    begin_diff = first.begin - second.begin
    if first.is_unit and second.is_unit:
        if -first.length < begin_diff < second.length:  # the two units overlap
            end_diff = begin_diff + first.length - second.length
            return begin_diff**2 + end_diff**2
        return 0
    if first.is_unit and not second.is_unit and _inside(first, second):
        return first.length**2
    if second.is_unit and not first.is_unit and _inside(second, first):
        return second.length**2
    return 0


def _inside(inner: Section, outer: Section) -> bool:
    return outer.begin <= inner.begin and inner.begin + inner.length <= outer.begin + outer.length


def merge_overlaps(segments: Iterable[Segment]) -> list[Segment]:
    """Union a coder's overlapping segments of the same value (touching segments stay apart)."""
    merged: list[Segment] = []
    for seg in sorted(segments, key=lambda s: (s.value, s.start, s.end)):
        last = merged[-1] if merged else None
        if last is not None and last.value == seg.value and seg.start < last.end:
            merged[-1] = Segment(last.start, max(last.end, seg.end), seg.value)
        else:
            merged.append(seg)
    return sorted(merged, key=lambda s: (s.start, s.end, s.value))


def sections(segments: Sequence[Segment], value: str, length: int) -> list[Section]:
    """One coder's continuum for ``value``: its units of that value and the gaps between them."""
    units = sorted((s for s in segments if s.value == value), key=lambda s: s.start)
    result: list[Section] = []
    position = 0
    for unit in units:
        if unit.end > length:
            raise ValueError(f"segment [{unit.start}, {unit.end}) beyond continuum length {length}")
        if unit.start < position:
            raise ValueError(
                f"overlapping segments of value {value!r} by one coder at {unit.start}: "
                "merge them first (merge_overlaps)"
            )
        if unit.start > position:
            result.append(Section(position, unit.start - position, False))
        result.append(Section(unit.start, unit.end - unit.start, True))
        position = unit.end
    if position < length:
        result.append(Section(position, length - position, False))
    return result


def pair_disagreement(first: Sequence[Section], second: Sequence[Section]) -> int:
    """Sum of ``delta2`` over all pairs of sections of two coders (each a partition of L).

    Only overlapping sections can have a nonzero distance, so a sweep over the two partitions
    visits every pair that matters.
    """
    total = 0
    i = j = 0
    while i < len(first) and j < len(second):
        total += section_distance(first[i], second[j])
        end_first = first[i].begin + first[i].length
        end_second = second[j].begin + second[j].length
        if end_first <= end_second:
            i += 1
        if end_second <= end_first:
            j += 1
    return total


def _coders(continua: Sequence[Continuum]) -> list[str]:
    if not continua:
        raise ValueError("no continua")
    coders = sorted(continua[0].codings)
    for continuum in continua:
        if sorted(continuum.codings) != coders:
            raise ValueError("every continuum must list the same coders (use [] for none)")
        if continuum.length < 1:
            raise ValueError(f"continuum length must be positive, got {continuum.length}")
    if len(coders) < 2:
        raise ValueError("unitizing alpha needs at least two coders")
    return coders


def value_terms(continuum: Continuum, value: str) -> ValueTerms:
    """The poolable ingredients of ``Do`` and ``De`` for one value in one continuum."""
    by_coder = [sections(segs, value, continuum.length) for segs in continuum.codings.values()]
    observed = sum(pair_disagreement(a, b) for a, b in permutations(by_coder, 2))
    flat = [s for coder in by_coder for s in coder]
    return ValueTerms(
        observed=observed,
        units=tuple(s.length for s in flat if s.is_unit),
        gaps=tuple(s.length for s in flat if not s.is_unit),
        length=continuum.length,
    )


def observed_disagreement(terms: ValueTerms, coders: int) -> float:
    """``Do_c = sum delta2 / (m (m - 1) L**2)`` (Krippendorff 2004)."""
    return float(_Sections.of([terms]).observed_disagreement(np.ones((1, 1)), coders)[0])


def expected_disagreement(terms: ValueTerms, coders: int) -> float:
    """``De_c`` of Krippendorff (2004): units and gaps of all coders placed at random."""
    return float(_Sections.of([terms]).expected(np.ones((1, 1)), coders)[0])


@dataclass(frozen=True)
class _Sections:
    """One value's units and gaps of every continuum, ready to be weighted by resamples: unit
    lengths and their continuum, gap lengths in ascending order and their continuum, where each
    unit's fitting gaps begin in that order, and each continuum's length and observed sum."""

    units: np.ndarray
    unit_of: np.ndarray
    gaps: np.ndarray
    gap_of: np.ndarray
    first_fitting: np.ndarray
    lengths: np.ndarray
    observed: np.ndarray

    @classmethod
    def of(cls, terms: Sequence[ValueTerms]) -> _Sections:
        """The sections of one value in each continuum (its :func:`value_terms`)."""
        unit_lengths = np.array([u for t in terms for u in t.units], dtype=float)
        gap_lengths = np.array([g for t in terms for g in t.gaps], dtype=float)
        gap_of = np.repeat(np.arange(len(terms)), [len(t.gaps) for t in terms])
        order = np.argsort(gap_lengths, kind="stable")
        return cls(
            units=unit_lengths,
            unit_of=np.repeat(np.arange(len(terms)), [len(t.units) for t in terms]),
            gaps=gap_lengths[order],
            gap_of=gap_of[order],
            first_fitting=np.searchsorted(gap_lengths[order], unit_lengths, "left"),
            lengths=np.array([t.length for t in terms], dtype=float),
            observed=np.array([t.observed for t in terms], dtype=float),
        )

    def expected(self, weights: np.ndarray, coders: int) -> np.ndarray:
        """``De_c`` for each row of ``weights`` (resamples by continua: how often each is
        drawn), every unit and gap counted as often as its continuum. For unit ``u``, the gaps
        it fits in contribute ``sum w_h (l_h - l_u + 1)``: two sums over the gaps at least as
        long as ``u``. In floating point: the exact integers overflow 64 bits on long
        transcripts."""
        # Suffix sums from running sums over the gaps longest first (contiguous, so fast): the
        # gaps at sorted position k or later are the len(gaps) - k longest.
        descending = weights[:, self.gap_of[::-1]]
        zero = np.zeros((len(weights), 1))
        count_from = np.hstack([zero, np.cumsum(descending, axis=1)])
        length_from = np.hstack([zero, np.cumsum(descending * self.gaps[::-1], axis=1)])
        at, units = len(self.gaps) - self.first_fitting, self.units
        placements = length_from[:, at] - (units - 1) * count_from[:, at]
        unit_weights = weights[:, self.unit_of]
        n_units = unit_weights.sum(axis=1, keepdims=True)
        random_pairs = (n_units - 1) * ((2 * units**3 - 3 * units**2 + units) / 3)
        numerator = (unit_weights * (random_pairs + units**2 * placements)).sum(axis=1)
        length = weights @ self.lengths
        total = coders * length
        denominator = total * (total - 1) - (unit_weights * units * (units - 1)).sum(axis=1)
        defined = (numerator != 0) & (denominator > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(defined, 2 * numerator / (length * denominator), 0.0)

    def observed_disagreement(self, weights: np.ndarray, coders: int) -> np.ndarray:
        """``Do_c`` for each row of ``weights``."""
        length = weights @ self.lengths
        return (weights @ self.observed) / (coders * (coders - 1) * length**2)


# Resamples weighed at once: enough to use whole-array arithmetic, few enough that the
# resamples-by-sections arrays stay small (some 16 MB each).
_CELLS_PER_CHUNK = 2_000_000


def _pooled_terms(continua: Sequence[Continuum], value: str) -> ValueTerms:
    return _sum_terms(value_terms(continuum, value) for continuum in continua)


def _values(continua: Sequence[Continuum]) -> list[str]:
    return sorted(
        {seg.value for c in continua for segs in c.codings.values() for seg in segs},
    )


def disagreements(continua: Sequence[Continuum]) -> dict[str, tuple[float, float]]:
    """Per value, ``(Do_c, De_c)`` pooled over the continua."""
    coders = len(_coders(continua))
    result = {}
    for value in _values(continua):
        terms = _pooled_terms(continua, value)
        result[value] = (
            observed_disagreement(terms, coders),
            expected_disagreement(terms, coders),
        )
    return result


def _alpha(observed: float, expected: float) -> float:
    return float("nan") if expected == 0 else 1.0 - observed / expected


def unitizing_alpha(continua: Sequence[Continuum]) -> float:
    """Krippendorff's (2004) u-alpha over all values: ``1 - sum_c Do_c / sum_c De_c``."""
    pairs = disagreements(continua).values()
    return _alpha(sum(p[0] for p in pairs), sum(p[1] for p in pairs))


def binary_unitizing_alpha(continua: Sequence[Continuum], value: str) -> float:
    """u-alpha for one code (Krippendorff's u-alpha_c): its segments are units, the rest gap."""
    coders = len(_coders(continua))
    terms = _pooled_terms(continua, value)
    return _alpha(observed_disagreement(terms, coders), expected_disagreement(terms, coders))


def bootstrap_alphas(
    continua: Sequence[Continuum], values: Sequence[str], weights: np.ndarray
) -> np.ndarray:
    """u-alpha in each bootstrap resample of whole transcripts: ``weights`` is resamples by
    continua (how often each is drawn). Column ``k`` is u-alpha_c of ``values[k]``, the last
    column u-alpha over ``values``; NaN where undefined.

    Resampling transcripts, the sampling units, mirrors the segment bootstrap of the
    reliability stage. Every ingredient is a sum over continua, so a resample reweights the
    sections it drew instead of copying them.
    """
    coders = len(_coders(continua))
    weights = np.asarray(weights, dtype=float)
    observed = np.zeros((len(weights), len(values)))
    expected = np.zeros((len(weights), len(values)))
    for k, value in enumerate(values):
        sections = _Sections.of([value_terms(c, value) for c in continua])
        width = max(len(sections.gaps), len(sections.units), 1)
        step = max(1, _CELLS_PER_CHUNK // width)
        for first in range(0, len(weights), step):
            chunk = weights[first : first + step]
            observed[first : first + step, k] = sections.observed_disagreement(chunk, coders)
            expected[first : first + step, k] = sections.expected(chunk, coders)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_value = np.where(expected > 0, 1 - observed / expected, np.nan)
        pooled_expected = expected.sum(axis=1)
        overall = np.where(pooled_expected > 0, 1 - observed.sum(axis=1) / pooled_expected, np.nan)
    return np.column_stack([per_value, overall])


def _sum_terms(terms: Iterable[ValueTerms]) -> ValueTerms:
    listed = list(terms)
    return ValueTerms(
        sum(t.observed for t in listed),
        tuple(u for t in listed for u in t.units),
        tuple(g for t in listed for g in t.gaps),
        sum(t.length for t in listed),
    )
