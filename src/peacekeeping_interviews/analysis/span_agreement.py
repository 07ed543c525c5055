"""Agreement on the coders' own spans: Krippendorff's unitizing alpha (:mod:`.unitizing`) from
the positions the release carries (:mod:`peacekeeping_interviews.spans`), beside the
segment-level alpha of :mod:`.reliability`.

A transcript is a continuum when two or more coders have spans in it; the coefficient takes it
that each of them read the whole transcript, so a second coder who coded only part of one makes
everything they skipped count as disagreement. A coder's overlapping spans of one code are
united first. Coders are interchangeable in the coefficient (it sums over every ordered pair),
so transcripts coded by different people pool as long as each has the same number of coders;
transcripts with another number of coders form a group of their own, with rows of their own.

Rows (``unitizing.csv``): per group, u-alpha over all codes (``scope`` ``overall``) and the
binary u-alpha of each codebook code, in codebook order, with a percentile interval from
bootstrap resamples of transcripts (the reliability settings' samples, seed and confidence).
Without positions the table has its header alone and the numbers say why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from peacekeeping_interviews.analysis.bootstrap import percentile_interval, resample_weights
from peacekeeping_interviews.analysis.release import PublicRelease
from peacekeeping_interviews.analysis.unitizing import (
    Continuum,
    Segment,
    bootstrap_alphas,
    merge_overlaps,
)
from peacekeeping_interviews.spans import has_positions

COEFFICIENT = "Krippendorff's unitizing alpha (2004), on character positions"
COLUMNS = [
    "coders_per_transcript",
    "scope",
    "u_alpha",
    "ci_lower",
    "ci_upper",
    "n_transcripts",
    "n_spans",
    "note",
]
NO_POSITIONS = (
    "the released coding has no positions of the coders' spans (coding typed as a table, or "
    "anonymisation.release_positions is false)"
)
NO_SHARED_TRANSCRIPT = "no transcript has spans of two or more coders"
DECIMALS = 4
MIN_TRANSCRIPTS_FOR_INTERVAL = 2


def continua_by_coders(coding: pd.DataFrame) -> dict[int, list[Continuum]]:
    """The transcripts that two or more coders spanned, as continua grouped by their number of
    coders, in the coding table's order; a coder's spans of one code merged where they overlap.
    Each group's coders are named by their rank (``1``, ``2``, ...)."""
    spans: dict[tuple[str, int], dict[str, list[Segment]]] = {}
    lengths: dict[tuple[str, int], int] = {}
    columns = ["pseudonym", "transcript", "coder", "code", "start", "end", "transcript_length"]
    for pseudonym, transcript, coder, code, start, end, length in coding[columns].itertuples(
        index=False
    ):
        key = (str(pseudonym), int(transcript))
        spans.setdefault(key, {}).setdefault(str(coder), []).append(
            Segment(int(start), int(end), str(code))
        )
        lengths[key] = int(length)
    groups: dict[int, list[Continuum]] = {}
    for key, by_coder in spans.items():
        if len(by_coder) < 2:
            continue
        ranked = {
            str(rank): merge_overlaps(by_coder[coder])
            for rank, coder in enumerate(sorted(by_coder), start=1)
        }
        groups.setdefault(len(ranked), []).append(Continuum(lengths[key], ranked))
    return dict(sorted(groups.items()))


def unitizing_table(release: PublicRelease, settings: Mapping) -> tuple[pd.DataFrame, dict]:
    """The rows described in the module doc, and the numbers the paper cites: the coefficient's
    name, why it was not computed (or None), and each group's overall row."""
    if not has_positions(release.coding):
        return pd.DataFrame(columns=COLUMNS), _numbers([], NO_POSITIONS)
    groups = continua_by_coders(release.coding)
    if not groups:
        return pd.DataFrame(columns=COLUMNS), _numbers([], NO_SHARED_TRANSCRIPT)
    codes = release.codebook.ids()
    rows = [
        row for m, continua in groups.items() for row in _group_rows(m, continua, codes, settings)
    ]
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table, _numbers(rows, None)


def _group_rows(
    coders: int, continua: list[Continuum], codes: Sequence[str], settings: Mapping
) -> list[dict]:
    rng = np.random.default_rng(settings["seed"])
    weights = resample_weights(len(continua), settings["bootstrap_samples"], rng)
    # The estimate is the "resample" that draws every transcript once (the tests check that it
    # equals unitizing_alpha and binary_unitizing_alpha), so each value's sections are built once.
    alphas = bootstrap_alphas(continua, codes, np.vstack([np.ones(len(continua)), weights]))
    point, resampled = alphas[0], alphas[1:]
    spans = [s for c in continua for coder in c.codings.values() for s in coder]
    base = {"coders_per_transcript": coders, "n_transcripts": len(continua)}
    estimates = list(point[:-1])
    scopes: list[tuple[str, float, np.ndarray, int, str | None]] = [
        ("overall", float(point[-1]), resampled[:, -1], len(spans), None)
    ]
    scopes += [
        (code, estimate, resampled[:, k], sum(s.value == code for s in spans), code)
        for k, (code, estimate) in enumerate(zip(codes, estimates, strict=True))
    ]
    return [
        base
        | {"scope": scope, "n_spans": n_spans}
        | _estimate(estimate, draws, settings["confidence"], n_spans, _spanned_in(continua, code))
        for scope, estimate, draws, n_spans, code in scopes
    ]


def _spanned_in(continua: list[Continuum], code: str | None) -> int:
    """In how many transcripts some coder spanned ``code`` (any code for None)."""
    return sum(
        any(code is None or s.value == code for coder in c.codings.values() for s in coder)
        for c in continua
    )


def _estimate(
    estimate: float, draws: np.ndarray, confidence: float, n_spans: int, transcripts: int
) -> dict:
    """u-alpha with its interval and a note; undefined (empty cells) with the reason. Spans in
    one transcript alone give no interval: resampling transcripts then only varies how much
    empty text surrounds them, which says nothing of the coders' agreement."""
    if np.isnan(estimate):
        reason = "no coder spanned it in these transcripts" if not n_spans else "no variation"
        return {"u_alpha": None, "ci_lower": None, "ci_upper": None, "note": f"{reason}: undefined"}
    if transcripts < MIN_TRANSCRIPTS_FOR_INTERVAL:
        return {
            "u_alpha": round(estimate, DECIMALS),
            "ci_lower": None,
            "ci_upper": None,
            "note": "spanned in one transcript only: no bootstrap interval",
        }
    interval = percentile_interval(draws, confidence)
    lower, upper = (None, None) if interval is None else (round(b, DECIMALS) for b in interval)
    undefined = int(np.isnan(draws).sum())
    note = ""
    if undefined:
        defined = len(draws) - undefined
        note = f"interval from the {defined:,} of {len(draws):,} resamples where defined"
    return {
        "u_alpha": round(estimate, DECIMALS),
        "ci_lower": lower,
        "ci_upper": upper,
        "note": note,
    }


_CITED = ("coders_per_transcript", "n_transcripts", "n_spans", "u_alpha", "ci_lower", "ci_upper")


def _numbers(rows: list[dict], reason: str | None) -> dict:
    overall = [row for row in rows if row["scope"] == "overall"]
    return {
        "coefficient": COEFFICIENT,
        "computed": reason is None,
        "reason": reason,
        "groups": [
            {
                k: row[k]
                for k in (
                    "coders_per_transcript",
                    "n_transcripts",
                    "n_spans",
                    "u_alpha",
                    "ci_lower",
                    "ci_upper",
                )
            }
            for row in overall
        ],
    }
