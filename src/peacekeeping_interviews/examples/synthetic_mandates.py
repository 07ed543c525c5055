"""The synthetic example's mandates file: invented resolutions in the published PEMA layout, a
pure function of the config's mandates settings and a seed (see README, "The example data"). It
stands beside the interview generator (:mod:`synthetic`) and, like it, only writes the example."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import TypedDict

import numpy as np
import pandas as pd

from peacekeeping_interviews.analysis.pema import Layout, read_layout
from peacekeeping_interviews.problems import InputError

# The synthetic example: each mission's country and first and last resolution month (invented,
# placed so that Figure 1's order and years come out as the article prints them), in the
# article's order. UNISFA is in the file so that the exclusion of a listed mission is exercised,
# and UNOMIG so that a mission no interview mentions is ignored and counted, as in the published
# file; UNMIK is not, as the article has no mandate data for it.
EXAMPLE_SEED = 20221001


EXAMPLE_MISSIONS = {
    "UNTAC": ("Cambodia", "1992-02", "1993-09"),
    "UNPROFOR": ("Former Yugoslavia", "1992-03", "1995-11"),
    "UNTAES": ("Croatia", "1996-01", "1998-01"),
    "UNOMIG": ("Georgia", "1996-01", "2008-10"),
    "UNAMSIL": ("Sierra Leone", "1999-10", "2005-06"),
    "MONUC": ("DR Congo", "1999-11", "2010-05"),
    "MONUSCO": ("DR Congo", "2010-06", "2024-12"),
    "UNMISET": ("East Timor", "2002-05", "2005-04"),
    "UNMIL": ("Liberia", "2003-09", "2018-02"),
    "UNOCI": ("Cote d'Ivoire", "2004-02", "2017-04"),
    "MINUSTAH": ("Haiti", "2004-04", "2017-04"),
    "UNMIS": ("Sudan", "2005-03", "2011-07"),
    "UNMIT": ("East Timor", "2006-08", "2012-02"),
    "UNAMID": ("Sudan", "2007-07", "2020-12"),
    "UNISFA": ("Sudan", "2011-06", "2024-11"),
    "UNMISS": ("South Sudan", "2011-07", "2024-04"),
    "MINUSMA": ("Mali", "2013-04", "2023-06"),
    "MINUSCA": ("Central African Republic", "2014-04", "2024-11"),
}


# Columns of the published file that the reader does not use, kept so the example has them.
EXAMPLE_FLAG_COLUMNS = ("Mandate_Renewal", "Mandate_CompleteAdjustment")


# Tasks the example codes besides the ones Figure 1 reads, so that the config mapping has to
# pick its columns out of a wider file, as with PEMA's forty-odd tasks.
EXAMPLE_OTHER_TASKS = ("Ceasefire", "DisarmDemob", "PoliceReform", "CivProtect", "JusticeReform")


# Chance that a mission's mandate ever contains the task, and that a resolution of such a mission
# repeats it; tasks missing here get EXAMPLE_DEFAULT_SHARE. A task a mission never mandates is
# sometimes merely encouraged (EXAMPLE_ENCOURAGED_SHARE), which Figure 1 does not count.
EXAMPLE_TASK_SHARES = {
    "HumanRights": 0.95, "Democratization": 0.5, "ElectAssist": 0.75, "CivilSociety": 0.55,
    "Gender": 0.9, "Ceasefire": 0.6, "DisarmDemob": 0.7, "PoliceReform": 0.6, "CivProtect": 0.8,
    "JusticeReform": 0.65,
}  # fmt: skip


EXAMPLE_DEFAULT_SHARE = 0.5


EXAMPLE_REPEAT_SHARE = 0.75


EXAMPLE_ENCOURAGED_SHARE = 0.3


# Tasks the Council began to mandate only later: gender after Resolution 1325 (2000), the
# protection of civilians after Resolution 1270 (1999).
EXAMPLE_TASK_FIRST_YEAR = {"Gender": 2000, "CivProtect": 1999}


class _Numbering(TypedDict):
    """How example resolutions are numbered: ``first`` on ``since``, ``per_year`` after."""

    first: int
    since: date
    per_year: int


# Invented resolution numbers grow with the date at about the Council's pace (~60 a year).
EXAMPLE_NUMBERING: _Numbering = {"first": 700, "since": date(1992, 1, 1), "per_year": 62}


# Operative paragraphs as PEMA cites them.
EXAMPLE_PARAGRAPHS = ("2", "3", "4", "5", "7", "8", "11", "12a", "14(b)", "16, 17", "19c(ii)")


def generate_example_mandates(settings: Mapping, seed: int = EXAMPLE_SEED) -> pd.DataFrame:
    """A synthetic mandates file in the published PEMA layout of ``settings``; a pure function of
    its arguments, one row per invented resolution, flagged ``synthetic=true``.

    Every mission of :data:`EXAMPLE_MISSIONS` gets resolutions from its first to its last month,
    renewed every five to twelve months. Each task enters a mission's mandate with its share in
    :data:`EXAMPLE_TASK_SHARES` and then appears in most of its resolutions, in a random subset of
    the counted modalities, citing invented operative paragraphs; the codes, numbers and days are
    invented and are no evidence about any mission."""
    layout, problems = read_layout(settings["layout"])
    if layout is None:
        raise InputError(problems)
    rng = np.random.default_rng(seed)
    tasks = [
        *EXAMPLE_OTHER_TASKS,
        *(task for group in settings["task_groups"] for task in group["tasks"]),
    ]
    frames = [
        _example_mission(rng, name, country, months, list(dict.fromkeys(tasks)), layout)
        for name, (country, *months) in EXAMPLE_MISSIONS.items()
    ]
    table = pd.concat(frames, ignore_index=True)
    numbers = _example_numbers(table.pop("iso_date"))
    table.insert(0, layout.resolution_column, [f"S/RES/{number}" for number in numbers])
    table["synthetic"] = "true"
    return table


def _example_mission(
    rng: np.random.Generator,
    name: str,
    country: str,
    months: list[str],
    tasks: list[str],
    layout: Layout,
) -> pd.DataFrame:
    dates = _example_dates(rng, *months)
    years = np.array([day.year for day in dates])
    blank = layout.not_mandated_values[0]
    counted, ignored = layout.modalities, layout.ignored_modalities
    columns: dict[str, np.ndarray] = {}
    for task in tasks:
        cells = np.full((len(dates), len(counted) + len(ignored)), blank, dtype=object)
        eligible = np.flatnonzero(years >= EXAMPLE_TASK_FIRST_YEAR.get(task, 0))
        share = EXAMPLE_TASK_SHARES.get(task, EXAMPLE_DEFAULT_SHARE)
        if len(eligible) and rng.random() < share:
            repeats = eligible[rng.random(len(eligible)) < EXAMPLE_REPEAT_SHARE]
            for row in np.union1d(repeats, rng.choice(eligible, 1)):
                used = rng.random(len(counted)) < 0.5
                used[rng.integers(len(counted))] = True
                cells[row, : len(counted)][used] = rng.choice(EXAMPLE_PARAGRAPHS, used.sum())
        elif ignored and len(eligible) and rng.random() < EXAMPLE_ENCOURAGED_SHARE:
            cells[rng.choice(eligible), len(counted)] = rng.choice(EXAMPLE_PARAGRAPHS)
        for position, modality in enumerate((*counted, *ignored)):
            columns[layout.task_column.format(task=task, modality=modality)] = cells[:, position]
    identity: dict[str, str | list[str]] = {layout.mission_column: name, "Country": country}
    if layout.year_column:
        identity[layout.year_column] = [str(day.year) for day in dates]
    if layout.date_column:
        identity[layout.date_column] = [day.strftime(layout.date_formats[0]) for day in dates]
    flags = {column: ["0", *["1"] * (len(dates) - 1)] for column in EXAMPLE_FLAG_COLUMNS}
    table = pd.DataFrame({**identity, **flags, **columns})
    table["iso_date"] = [day.isoformat() for day in dates]
    return table


def _example_dates(rng: np.random.Generator, first_month: str, last_month: str) -> list[date]:
    """A first and a last day in the given months, renewals every 150 to 370 days between."""
    first = date.fromisoformat(f"{first_month}-01") + timedelta(days=int(rng.integers(0, 28)))
    last = date.fromisoformat(f"{last_month}-01") + timedelta(days=int(rng.integers(0, 28)))
    dates = [first]
    while (step := dates[-1] + timedelta(days=int(rng.integers(150, 371)))) < last - timedelta(
        days=90
    ):
        dates.append(step)
    return [*dates, last]


def _example_numbers(dates: pd.Series) -> np.ndarray:
    """Invented resolution numbers, increasing with the date at about the Council's pace."""
    order = np.argsort(dates.to_numpy(), kind="stable")
    days = np.array([(date.fromisoformat(d) - EXAMPLE_NUMBERING["since"]).days for d in dates])
    pace = EXAMPLE_NUMBERING["per_year"] / 365.25
    numbers = np.empty(len(dates), dtype=np.int64)
    numbers[order] = (
        EXAMPLE_NUMBERING["first"]
        + np.round(days[order] * pace).astype(np.int64)
        + np.arange(len(dates))
    )
    return numbers
