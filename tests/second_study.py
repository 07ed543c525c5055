"""A second study, made the way a new study is set up, for the end-to-end test of
``tests/test_second_study.py``.

It follows the README's real-data recipe: ``peacekeeping-interviews new-study DIR --codebook
config/codebook-buitelaar-2023.yaml``, every ``FILL IN`` value replaced, and a few research
settings changed. Its inputs are invented and flagged ``synthetic``: 45 interviews from 2021 to 2023
drawn by the project's generator with the Buitelaar (2023) codebook, then moved onto this study's
dates, cities, missions and two coders; a hand-written mandates file in PEMA's published layout
(``tests/fixtures/second_study/mandates.csv``). Three of its missions are special political missions
that PEMA does not cover (UNSMIL, UNAMA, UNSOM), so they are excluded from Figure 1 with a reason.
Everything about it differs from the example study: title, creators, funder, related publication,
task-group ids and labels, multiple-comparison correction, cities and years.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from peacekeeping_interviews.codebook import load_codebook
from peacekeeping_interviews.examples.synthetic import (
    FUNCTION_TITLES,
    ROLE_TEMPLATES,
    ROLE_WITHOUT_MISSION,
    THIRD_PARTIES,
    generate_example_data,
)
from peacekeeping_interviews.files import csv_text, read_yaml
from peacekeeping_interviews.study_config import placeholders

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "second_study"
CLI = str(Path(sys.executable).with_name("peacekeeping-interviews"))
CODEBOOK = "config/codebook-buitelaar-2023.yaml"
N_INTERVIEWS = 45
SEED = 20210301
FIRST_DAY, LAST_DAY = np.datetime64("2021-01-11"), np.datetime64("2023-11-24")
GENERATOR_FIRST, GENERATOR_LAST = np.datetime64("2019-07-01"), np.datetime64("2022-06-30")
LATEST_INTERVIEW_DATE = "2023-12-31"
CITIES = {"Kinshasa": "Nairobi", "New York": "New York", "London": "Geneva", "Berlin": "Tunis"}
CODERS = ("coder_a", "coder_b")
# The generator's missions onto this study's: four PEMA missions and three political missions.
MISSIONS = {
    "UNTAC": "UNAMA", "UNMISET": "UNAMA", "UNMIT": "UNAMA",
    "UNPROFOR": "UNSMIL", "UNTAES": "UNSMIL", "UNMIK": "UNSMIL", "MINUSTAH": "UNSMIL",
    "MONUSCO": "UNSOM",
    "UNAMSIL": "MINUSMA", "UNMIL": "MINUSMA", "UNOCI": "MINUSMA", "MINUSMA": "MINUSMA",
    "MONUC": "MINUSCA", "MINUSCA": "MINUSCA",
    "UNMIS": "UNMISS", "UNISFA": "UNMISS", "UNMISS": "UNMISS",
    "UNAMID": "UNAMID",
}  # fmt: skip
POLITICAL_MISSIONS = ("UNSMIL", "UNAMA", "UNSOM")
PEMA_MISSIONS = [
    {"column": "UNAMID", "label": "UNAMID, Darfur", "names": ["UNAMID"]},
    {"column": "UNMISS", "label": "UNMISS, South Sudan", "names": ["UNMISS"], "ongoing": True},
    {"column": "MINUSMA", "label": "MINUSMA, Mali", "names": ["MINUSMA"]},
    {"column": "MINUSCA", "label": "MINUSCA, Central African Rep.", "names": ["MINUSCA"]},
]
MISSION_REGIONS = {
    "UNAMID": "east_africa", "UNMISS": "east_africa", "UNSOM": "east_africa",
    "MINUSMA": "sahel_and_central", "MINUSCA": "sahel_and_central",
    "UNSMIL": "north_africa_and_asia", "UNAMA": "north_africa_and_asia",
}  # fmt: skip
TASK_GROUPS = [
    {"id": "rights", "label": "Rights protection", "tasks": ["HumanRights"]},
    {"id": "democracy", "label": "Democratic institutions", "tasks": ["Democratization"]},
    {"id": "elections", "label": "Electoral support", "tasks": ["ElectAssist"]},
    {"id": "civic_space", "label": "Civic space", "tasks": ["CivilSociety"]},
    {"id": "wps", "label": "Women, peace and security", "tasks": ["Gender"]},
]
STUDY = {
    "title": "Interviews with staff of UN peace operations and political missions on rights"
    " advocacy, 2021-2023",
    "slug": "peace-operations-rights-advocacy-interviews",
    "abstract": "Invented interview metadata and coded segments about how leaders of UN peace"
    " operations and special political missions choose between pressing and persuading host"
    " governments, made to test that the pipeline carries a second study end to end.",
    "paper": {
        "title": "Pressing or persuading? An invented test of how mission leaders advocate for"
        " rights",
        "abstract": "An invented paper for the pipeline's tests: it describes a second study's"
        " interviews and tests the factors its coders found against the direction of advocacy.",
    },
    "keywords": ["special political missions", "rights advocacy", "test study"],
    "publisher": "Example Data Archive",
    "identifier": "DOI to be assigned by the Example Data Archive",
    "creators": [
        {"family_name": "Example", "given_name": "Ada", "affiliation": "Example University"},
        {"family_name": "Specimen", "given_name": "Bram"},
    ],
    "funder": {
        "name": "Example Research Foundation",
        "identifier": "https://example.org/funders/example-research-foundation",
        "grant": "ERF-0000-0042",
        "grant_title": "A second study for the pipeline's tests",
    },
    "related_publication": {
        "citation": "Example, A. and Specimen, B. (2024) An invented article about rights advocacy"
        " in UN missions. Journal of Test Studies 1(1), 1-20.",
        "doi": "10.5555/test-studies.2024.001",
    },
}
# Derived, not written out: the deposit's source snapshot holds this file, and the leak scan
# rightly refuses a key found in it.
PSEUDONYM_KEY = hashlib.sha256(b"the second study's pseudonymisation key").hexdigest()


def new_study(project: Path, directory: Path) -> tuple[Path, str]:
    """Run ``peacekeeping-interviews new-study`` from the project folder; return the config it
    wrote and what it printed."""
    result = subprocess.run(
        [CLI, "new-study", str(directory), "--codebook", CODEBOOK],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    return directory / "config.yaml", result.stdout


def write_second_study(project: Path, directory: Path) -> tuple[Path, str]:
    """The study's folder (config, codebook copy, inputs, key) in ``directory``; returns its
    config and the CLI's output."""
    config_path, printed = new_study(project, directory)
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    codebook = load_codebook(
        Path(config["inputs"]["codebook"]),
        read_yaml(project / "workflow" / "schemas" / "codebook.schema.yaml"),
    )
    data = generate_example_data(codebook, N_INTERVIEWS, SEED)
    (directory / "interviews.csv").write_text(
        csv_text(study_interviews(data.interviews)), encoding="utf-8"
    )
    (directory / "coding.csv").write_text(csv_text(two_coders(data.coding)), encoding="utf-8")
    shutil.copyfile(FIXTURE / "mandates.csv", directory / "mandates.csv")
    (directory / "pseudonym.key").write_text(PSEUDONYM_KEY, encoding="utf-8")
    filled = fill_in(config, directory)
    left = list(placeholders(filled))
    assert left == [], f"placeholders left: {left}"
    config_path.write_text(
        yaml.safe_dump(filled, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
    )
    return config_path, printed


def study_interviews(interviews: pd.DataFrame) -> pd.DataFrame:
    """The generator's interviews moved to this study's dates, cities and missions."""
    table = interviews.copy()
    table["date"] = [_moved(date) for date in table["date"]]
    table["location"] = table["location"].map(lambda city: CITIES.get(city, city))
    table["missions"] = [_missions(value) for value in table["missions"]]
    table["public_role"] = [
        _public_role(row.status, row.level, row.function, row.missions)
        if row.consent == "named"
        else ""
        for row in table.itertuples()
    ]
    assert set(table["synthetic"]) == {"true"}
    return table


def two_coders(coding: pd.DataFrame) -> pd.DataFrame:
    """Exactly two coders: each interview's first coder alternates between them, and the second
    coding of a double-coded segment is the other's."""
    table = coding.copy()
    interview_number = table["interview_id"].str.removeprefix("INT-").astype(int)
    rank = table.groupby(["interview_id", "segment"]).cumcount()
    table["coder"] = np.array(CODERS)[(interview_number + rank) % 2]
    return table.sort_values(["interview_id", "segment", "coder"], kind="stable")


def _moved(date: str) -> str:
    """A generator date mapped linearly onto this study's fieldwork (order kept); a month-only
    date stays month-only."""
    day = np.datetime64(date if len(date) == 10 else f"{date}-15")
    share = (day - GENERATOR_FIRST) / (GENERATOR_LAST - GENERATOR_FIRST)
    moved = FIRST_DAY + np.timedelta64(round(share * (LAST_DAY - FIRST_DAY).astype(int)), "D")
    text = str(moved)
    return text if len(date) == 10 else text[:7]


def _missions(value: str) -> str:
    mapped = [MISSIONS[name] for name in value.split(";") if name]
    return ";".join(dict.fromkeys(mapped))


def _public_role(status: str, level: str, function: str, missions: str) -> str:
    template = ROLE_TEMPLATES[level]
    if "{mission}" in template and not missions:
        template = ROLE_WITHOUT_MISSION
    title = {**FUNCTION_TITLES, "human_rights": "Rights Monitoring"}[function]
    role = template.format(mission=missions.rsplit(";", 1)[-1], function=title)
    return f"former {role}" if status == "former" else role


def fill_in(config: dict, directory: Path) -> dict:
    """Every placeholder replaced with this study's value, and its own research settings."""
    config["inputs"].update(
        interviews=str(directory / "interviews.csv"),
        coding=str(directory / "coding.csv"),
        mandates=str(directory / "mandates.csv"),
    )
    config["latest_interview_date"] = LATEST_INTERVIEW_DATE
    anonymisation = config["anonymisation"]
    anonymisation.update(
        key_file=str(directory / "pseudonym.key"),
        pseudonym_prefix="S",
        k_min=3,
        max_suppression=0.2,
        non_identifying=[
            {
                "column": "consent",
                "reason": "interviewees chose their tier in private; no one else knows it",
            }
        ],
        priorities=["function", "level"],
        sensitive_names=[{"name": name, "replacement": text} for name, text in THIRD_PARTIES],
    )
    anonymisation["hierarchies"]["missions"] = [MISSION_REGIONS]
    config["mandates"].update(
        task_groups=TASK_GROUPS,
        missions=PEMA_MISSIONS,
        excluded_missions=[
            {"name": name, "reason": "special political mission, not covered by PEMA"}
            for name in POLITICAL_MISSIONS
        ],
    )
    config["saturation"].update(base_sizes=[4, 5], run_lengths=[2], orders=200)
    config["tabulation"].update(correction="fdr_bh", permutations=999)
    config["reliability"]["bootstrap_samples"] = 200
    config["study"].update(STUDY)
    return config
