"""Who was interviewed: counts of the interview sample by mission, year, place, rank, function,
posting and consent tier, read from the public release alone.

Every count passes through :func:`~peacekeeping_interviews.disclosure.masked_counts`, so
a cell of 1 to ``k_min - 1`` interviews reads ``"<k_min"``. Counts per mission come from the
release's aggregate ``mission_counts.csv`` (masked by the anonymisation stage with the same rule),
because the interview table may withhold ``missions`` row by row; an interviewee who served in
several missions counts in each, so that table does not sum to the number of interviews.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from peacekeeping_interviews.analysis.release import PublicRelease
from peacekeeping_interviews.disclosure import masked_counts, released_order
from peacekeeping_interviews.files import csv_text, json_text, write_all_or_nothing
from peacekeeping_interviews.stage_outputs import SampleOutputs
from peacekeeping_interviews.vocabulary import WITHHELD

WITHHELD_LABEL = "withheld"
NOT_RECORDED_LABEL = "not recorded"
# Released values that are no category of their own, with their labels, in the order they close
# each variable's rows.
UNSPECIFIED = {WITHHELD: WITHHELD_LABEL, "": NOT_RECORDED_LABEL}
CONSENT_TIER_ORDER = ["named", "descriptor", "anonymous"]
LOCATION_LABELS = {"in_person": "in person", "remote": "remote", **UNSPECIFIED}


def counts_by(interviews: pd.DataFrame, variable: str, k_min: int) -> pd.DataFrame:
    """Interviews per released value of one single-valued variable, masked, in released order;
    then ``*`` as ``withheld`` and an empty cell as ``not recorded``, so that every interview is
    counted under a readable label."""
    counts = interviews[variable].fillna("").value_counts()
    counts = counts[released_order(counts.index)]
    return pd.DataFrame(
        {
            "variable": variable,
            "value": [UNSPECIFIED.get(v, v) for v in counts.index],
            "interviews": masked_counts(counts, k_min).values,
        }
    )


def describe_sample(
    release: PublicRelease, mission_counts: pd.DataFrame, variables: list[str], k_min: int
) -> pd.DataFrame:
    """One long table: ``variable, value, interviews`` (text; masked) for each variable."""
    parts = []
    for variable in variables:
        if variable == "mission":
            parts.append(mission_counts.assign(variable="mission", value=mission_counts["mission"]))
        else:
            parts.append(counts_by(release.interviews, variable, k_min))
    return pd.concat(parts, ignore_index=True)[["variable", "value", "interviews"]]


def cited_by(interviews: pd.DataFrame) -> pd.Series:
    """How each interview is cited: ``named``, by a ``descriptor``, or as ``anonymous``. A
    non-named interview whose descriptor or tier disclosure control withheld is cited, and so
    listed, as an anonymous source."""
    has_descriptor = ~interviews["descriptor"].isin(["", WITHHELD])
    named = interviews["consent"] == "named"
    return (
        pd.Series("anonymous", index=interviews.index)
        .mask(has_descriptor, "descriptor")
        .mask(named, "named")
    )


def interview_list(release: PublicRelease) -> pd.DataFrame:
    """The list of interviews a journal appendix prints: ``cited_by, cited_as, month,
    location``; named first, then by descriptor, then anonymous, in collection order within each.

    Everything comes from the release, so a non-named interview shows only what its consent tier
    and the disclosure rules let through (its descriptor or "an anonymous source", and in person
    or remote rather than a city)."""
    interviews = release.interviews.assign(cited_by=cited_by(release.interviews))
    interviews = interviews.assign(
        rank=interviews["cited_by"].map(CONSENT_TIER_ORDER.index)
    ).sort_values(["rank", "collection_order"], kind="stable")
    return pd.DataFrame(
        {
            "pseudonym": interviews["pseudonym"],
            "cited_by": interviews["cited_by"],
            "cited_as": interviews["citation"],
            "month": interviews["month"],
            "location": interviews["location"]
            .fillna("")
            .map(lambda value: LOCATION_LABELS.get(value, value)),
        }
    )


def released_period(months: pd.Series) -> dict[str, str | None]:
    """The first and last released time unit (``first_month``, ``last_month``), or ``None`` when
    disclosure control withheld the dates: every row then shows ``*``, and the first and last
    month would date the first and last interviews in the collection order."""
    dated = months[months != WITHHELD]
    if dated.empty:
        return {"first_month": None, "last_month": None}
    return {"first_month": str(dated.min()), "last_month": str(dated.max())}


def sample_numbers(release: PublicRelease, table: pd.DataFrame, k_min: int) -> dict:
    """What the paper cites about the sample; counts below ``k_min`` stay masked."""
    interviews = release.interviews
    by_variable = {
        variable: dict(zip(rows["value"], rows["interviews"]))
        for variable, rows in table.groupby("variable", sort=False)
    }
    return {
        "synthetic": release.synthetic,
        "interviews": len(interviews),
        **released_period(interviews["month"]),
        "k_min": k_min,
        "masked_cells": int(table["interviews"].str.startswith("<").sum()),
        "cited_by": {how: int((cited_by(interviews) == how).sum()) for how in CONSENT_TIER_ORDER},
        "by_variable": by_variable,
    }


def run_sample_description(
    release: PublicRelease,
    mission_counts: pd.DataFrame,
    settings: Mapping,
    k_min: int,
    outputs: SampleOutputs,
) -> dict:
    """Write the sample table and its numbers; ``mission_counts`` from ``read_mission_counts``."""
    table = describe_sample(release, mission_counts, settings["variables"], k_min)
    numbers = sample_numbers(release, table, k_min)
    write_all_or_nothing(
        {
            outputs.table: csv_text(table),
            outputs.interview_list: csv_text(interview_list(release)),
            outputs.numbers: json_text(numbers),
        }
    )
    return numbers
