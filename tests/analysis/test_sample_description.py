"""The sample description: counts per released value, small cells masked, missions from the
release's aggregate."""

import json

import pandas as pd
from conftest import SCHEMA_DIR

from peacekeeping_interviews.analysis.release import read_mission_counts, read_release
from peacekeeping_interviews.analysis.sample_description import (
    SampleOutputs,
    counts_by,
    describe_sample,
    interview_list,
    released_period,
    run_sample_description,
)


def test_the_period_is_the_released_units_or_nothing_when_withheld():
    """With dates withheld, a first and last month would date the first and last interviews of
    the collection order, so none is given."""
    assert released_period(pd.Series(["2019-Q3", "2020-Q1", "2019-Q4"])) == {
        "first_month": "2019-Q3",
        "last_month": "2020-Q1",
    }
    assert released_period(pd.Series(["*", "*"])) == {"first_month": None, "last_month": None}


def test_counts_by_masks_small_cells_and_puts_withheld_last():
    interviews = pd.DataFrame({"level": ["officer"] * 4 + ["srsg"] * 2 + ["*"] * 3 + ["chief"]})
    table = counts_by(interviews, "level", k_min=3)
    assert table.to_dict("list") == {
        "variable": ["level"] * 4,
        "value": ["chief", "officer", "srsg", "withheld"],
        "interviews": ["<3", "4", "<3", "3"],
    }


def test_counts_by_labels_empty_cells_and_counts_every_interview():
    # Before, an empty cell was a row with an empty value (and a "" key in numbers.json), and a
    # missing one was not counted at all.
    interviews = pd.DataFrame({"tenure_band": ["2-5"] * 3 + [""] * 4 + ["*"] * 3 + [None]})
    table = counts_by(interviews, "tenure_band", k_min=3)
    assert table.to_dict("list") == {
        "variable": ["tenure_band"] * 3,
        "value": ["2-5", "withheld", "not recorded"],
        "interviews": ["3", "3", "5"],
    }


def test_every_unmasked_count_matches_the_release(example_release_paths, example_release):
    missions = read_mission_counts(
        example_release_paths["interviews"].parent / "mission_counts.csv", SCHEMA_DIR
    )
    variables = ["mission", "year", "location", "level", "function", "posting", "consent"]
    table = describe_sample(example_release, missions, variables, k_min=3)
    interviews = example_release.interviews
    for variable in variables[1:]:
        rows = table[table["variable"] == variable]
        released = interviews[variable].replace("*", "withheld").value_counts()
        assert dict(zip(rows["value"], rows["interviews"])) == {
            value: (str(n) if n >= 3 else "<3") for value, n in released.items()
        }
    assert table[table["variable"] == "consent"]["interviews"].astype(int).sum() == 210
    shown = table[table["variable"] == "mission"].set_index("value")["interviews"]
    assert shown.to_dict() == dict(zip(missions["mission"], missions["interviews"]))


def test_run_writes_both_outputs_identically_twice(tmp_path, mini_release_paths):
    release = read_release(**mini_release_paths, schema_dir=SCHEMA_DIR)
    missions = read_mission_counts(
        mini_release_paths["interviews"].parent / "mission_counts.csv", SCHEMA_DIR
    )
    settings = {"variables": ["mission", "year", "level", "consent"]}
    outputs = [SampleOutputs.under(tmp_path / run) for run in ("a", "b")]
    for out in outputs:
        numbers = run_sample_description(release, missions, settings, 2, out)
    assert outputs[0].table.read_bytes() == outputs[1].table.read_bytes()
    assert outputs[0].numbers.read_bytes() == outputs[1].numbers.read_bytes()
    assert outputs[0].interview_list.read_bytes() == outputs[1].interview_list.read_bytes()
    assert json.loads(outputs[0].numbers.read_text()) == numbers
    assert numbers["interviews"] == 12 and numbers["synthetic"] is True


def test_interview_list_shows_only_what_each_consent_tier_allows(example_release):
    listed = interview_list(example_release)
    interviews = example_release.interviews.set_index("pseudonym")
    assert len(listed) == len(interviews) and listed["pseudonym"].is_unique
    tiers = listed["cited_by"].tolist()
    assert tiers == sorted(tiers, key=["named", "descriptor", "anonymous"].index)
    for tier, rows in listed.groupby("cited_by"):
        assert rows["pseudonym"].map(interviews["collection_order"]).is_monotonic_increasing
        cities = ~rows["location"].isin(["in person", "remote", "withheld", "not recorded"])
        assert cities.any() == (tier == "named"), tier
    anonymous = listed[listed["cited_by"] == "anonymous"]
    assert set(anonymous["cited_as"]) == {"an anonymous source"}
    named = listed[listed["cited_by"] == "named"].set_index("pseudonym")
    assert (named["cited_as"] == interviews.loc[named.index, "citation"]).all()
    assert named["cited_as"].str.contains(", ").all()
