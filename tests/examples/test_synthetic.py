"""The synthetic generator: reproducible, in the input layout, and shaped like the study's data."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml
from conftest import ROOT

from peacekeeping_interviews.codebook import load_codebook
from peacekeeping_interviews.examples.synthetic import (
    FACTOR_EXCERPTS,
    THIRD_PARTIES,
    generate_example_data,
)
from peacekeeping_interviews.files import read_yaml

EXAMPLE = ROOT / "data" / "example"
SCHEMAS = ROOT / "workflow" / "schemas"
CODEBOOK = ROOT / "config" / "codebook.yaml"
ARTICLE = ROOT.parent / "shared" / "study" / "oksamytna-tansey-von-billerbeck-gippert-2023-isq.txt"
IN_PERSON_CITIES = {"Kinshasa", "New York", "London", "Berlin"}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(EXAMPLE / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def interviews() -> pd.DataFrame:
    return _read("interviews.csv")


@pytest.fixture(scope="module")
def coding() -> pd.DataFrame:
    return _read("coding.csv")


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(CODEBOOK, read_yaml(SCHEMAS / "codebook.schema.yaml"))


@pytest.fixture(scope="module")
def double_coded(coding: pd.DataFrame) -> pd.DataFrame:
    """One row per double-coded segment: both coders' code and direction side by side."""
    keys = ["interview_id", "segment"]
    rows = coding[coding.duplicated(keys, keep=False)]
    first = rows.drop_duplicates(keys, keep="first").set_index(keys)
    second = rows.drop_duplicates(keys, keep="last").set_index(keys)
    return first[["code", "direction"]].join(second[["code", "direction"]], rsuffix="_2")


def test_same_seed_same_data_and_other_seed_other_data(codebook):
    first = generate_example_data(codebook, 50, seed=1)
    again = generate_example_data(codebook, 50, seed=1)
    other = generate_example_data(codebook, 50, seed=2)
    pd.testing.assert_frame_equal(first.interviews, again.interviews)
    pd.testing.assert_frame_equal(first.coding, again.coding)
    assert not first.interviews.equals(other.interviews)
    assert not first.coding.equals(other.coding)


def test_columns_are_those_the_input_schemas_declare_in_their_order(
    interviews: pd.DataFrame, coding: pd.DataFrame
):
    """Checked against the confidential inputs' Table Schemas, not the generator's own list."""
    for table, schema in ((interviews, "interviews"), (coding, "coding")):
        fields = read_yaml(SCHEMAS / f"{schema}.table.yaml")["fields"]
        assert list(table.columns) == [field["name"] for field in fields], schema
    assert (interviews["synthetic"] == "true").all()


def test_interviews_follow_the_table_schema(interviews: pd.DataFrame):
    fields = {f["name"]: f for f in read_yaml(SCHEMAS / "interviews.table.yaml")["fields"]}
    for column, field in fields.items():
        allowed = field.get("constraints", {}).get("enum")
        if allowed:
            assert set(interviews[column]) - {""} <= set(allowed), column
    assert interviews["interview_id"].is_unique
    named = interviews["consent"] == "named"
    assert (interviews["name"] != "").all()
    assert (interviews.loc[named, "public_role"] != "").all()
    assert (interviews.loc[~named, "public_role"] == "").all()
    tier = interviews["consent"] == "descriptor"
    assert (interviews.loc[tier, "descriptor"] != "").all()
    assert (interviews.loc[~tier, "descriptor"] == "").all()
    assert not interviews["descriptor"].str.match(r"(a|an|the) ", case=False).any()
    years = pd.to_numeric(interviews["years_at_duty_station"])
    assert (years.dropna() >= 0).all()
    assert interviews["years_at_duty_station"].str.fullmatch(r"(\d+(\.\d)?)?").all()


def test_fieldwork_matches_the_study(interviews: pd.DataFrame):
    assert (interviews["level"] == "srsg").sum() == 8
    assert (interviews["level"] == "dsrsg").sum() == 12
    dates = interviews["date"]
    assert dates.str.fullmatch(r"\d{4}-\d{2}(-\d{2})?").all()
    assert dates.min() >= "2019-07" and dates.max() <= "2022-06-30"
    month_only = dates.str.len() == 7
    assert 0.05 < month_only.mean() < 0.25
    locations = interviews["location"]
    assert set(locations) - {"remote"} <= IN_PERSON_CITIES
    assert (locations == "remote").mean() > 0.5
    leaders = interviews["level"].isin(["srsg", "dsrsg"])
    assert (interviews.loc[leaders, "function"] == "leadership").all()
    assert (interviews.loc[interviews["level"] == "external", "posting"] == "outside_un").all()


def test_consent_tiers_are_a_plausible_mix(interviews: pd.DataFrame):
    shares = interviews["consent"].value_counts(normalize=True)
    assert 0.1 < shares["named"] < 0.3
    assert 0.2 < shares["descriptor"] < 0.4
    assert 0.4 < shares["anonymous"] < 0.6


def test_recent_missions_dominate(interviews: pd.DataFrame):
    served = interviews["missions"].str.split(";").explode()
    counts = served[served != ""].value_counts()
    assert counts.get("MONUSCO", 0) > 5 * counts.get("UNTAC", 0)
    assert (interviews["missions"] == "").any()
    per_person = interviews["missions"].str.count(";") + (interviews["missions"] != "")
    assert per_person.max() <= 3
    assert (per_person == 1).mean() > 0.5


def test_coding_keys_codes_and_segments(coding: pd.DataFrame, interviews: pd.DataFrame, codebook):
    assert not coding.duplicated(["interview_id", "segment", "coder"]).any()
    assert set(coding["code"]) <= set(codebook.ids())
    assert set(coding["interview_id"]) == set(interviews["interview_id"])
    segments = coding.drop_duplicates(["interview_id", "segment"])
    per_interview = (
        segments["segment"].astype(int).groupby(segments["interview_id"]).agg(["max", "count"])
    )
    assert (per_interview["max"] == per_interview["count"]).all()
    assert per_interview["count"].between(4, 30).all()
    excerpts = segments["excerpt"] != ""
    assert 0.5 < excerpts.mean() < 0.7


def test_about_a_fifth_double_coded_with_imperfect_agreement(
    coding: pd.DataFrame, double_coded: pd.DataFrame
):
    doubled = double_coded.index.get_level_values("interview_id").unique()
    assert 0.15 < len(doubled) / coding["interview_id"].nunique() < 0.25
    code_agreement = (double_coded["code"] == double_coded["code_2"]).mean()
    direction_agreement = (double_coded["direction"] == double_coded["direction_2"]).mean()
    assert 0.6 < code_agreement < 0.95
    assert 0.6 < direction_agreement < 0.95


def test_directions_lean_as_the_study_argues_but_not_deterministically(
    coding: pd.DataFrame, interviews: pd.DataFrame
):
    rows = coding.merge(interviews, on="interview_id")
    rows = rows[rows["direction"] != "none"]
    confrontational = (rows["direction"] == "confrontational").groupby(rows["function"]).mean()
    assert confrontational["human_rights"] > confrontational["leadership"] + 0.2
    assert confrontational.between(0.05, 0.95).all()
    themes = coding[coding["code"].isin(["host_consent", "headquarters_pressure"])]
    assert (themes["direction"] == "none").mean() > 0.7


def test_rare_themes_emerge_late(coding: pd.DataFrame, codebook):
    """The last themes of the codebook are absent from the first half of the fieldwork."""
    rarest = codebook.ids("theme")[-2:]
    order = coding["interview_id"].str.removeprefix("INT-").astype(int)
    first_seen = order[coding["code"].isin(rarest)].min()
    assert first_seen > coding["interview_id"].nunique() / 2
    counts = coding["code"].value_counts()
    assert counts.iloc[0] > 10 * counts.iloc[-1]


def test_some_excerpts_mention_names_for_the_scrub(coding: pd.DataFrame, interviews: pd.DataFrame):
    excerpts = coding.drop_duplicates(["interview_id", "segment"])["excerpt"]
    excerpts = excerpts[excerpts != ""]
    third = [name for name, _ in THIRD_PARTIES]
    surnames = interviews["name"].str.split().str[-1]
    pattern = r"\b(?:" + "|".join(map(re.escape, [*third, *surnames])) + r")\b"
    share = excerpts.str.contains(pattern).mean()
    assert 0.02 < share < 0.1


def test_third_parties_are_the_configured_sensitive_names():
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    listed = [(e["name"], e["replacement"]) for e in config["anonymisation"]["sensitive_names"]]
    assert listed == list(THIRD_PARTIES)


@pytest.fixture
def article_text() -> str:
    """The study's article, which sits in ../shared/ beside the project (as in CI)."""
    if not ARTICLE.is_file():
        pytest.skip(f"the article is not at {ARTICLE}; clone the project beside shared/ to check")
    return ARTICLE.read_text(encoding="utf-8")


def test_invented_names_are_unique_and_not_in_the_article(interviews: pd.DataFrame, article_text):
    article = article_text.casefold()
    names = interviews["name"]
    assert names.is_unique
    for name in [*names, *(n for n, _ in THIRD_PARTIES)]:
        assert name.casefold() not in article, name
        assert name.split()[-1].casefold() not in article, name


def test_excerpt_sentences_do_not_quote_the_article(article_text):
    """No run of six words of a factor sentence appears in the article."""
    words = re.findall(r"[a-z']+", article_text.casefold())
    runs = {" ".join(words[i : i + 6]) for i in range(len(words) - 5)}
    for sentence in (s for pair in FACTOR_EXCERPTS.values() for s in pair):
        tokens = re.findall(r"[a-z']+", sentence.casefold())
        for i in range(len(tokens) - 5):
            assert " ".join(tokens[i : i + 6]) not in runs, sentence


def test_excerpts_name_no_interview_city(coding: pd.DataFrame):
    """A city beside a non-named interview's pseudonym is what the leak scan reports as a leak."""
    cities = "|".join(IN_PERSON_CITIES)
    assert not coding["excerpt"].str.contains(cities, case=False).any()


def test_another_codebook_runs_unchanged():
    other = load_codebook(
        ROOT / "config" / "codebook-buitelaar-2023.yaml",
        read_yaml(SCHEMAS / "codebook.schema.yaml"),
    )
    data = generate_example_data(other, 40, seed=7)
    assert set(data.coding["code"]) <= set(other.ids())
    assert (data.coding["excerpt"] != "").any()


@pytest.mark.parametrize("n", [1, 10**6])
def test_sizes_outside_the_name_space_are_refused(codebook, n: int):
    with pytest.raises(ValueError, match="n_interviews"):
        generate_example_data(codebook, n)


def test_large_dataset_keeps_ids_sorted_and_unique(codebook):
    data = generate_example_data(codebook, 12000, seed=3)
    ids = data.interviews["interview_id"]
    assert ids.str.fullmatch(r"INT-\d{5}").all() and ids.is_monotonic_increasing
    assert data.interviews["name"].is_unique
    keys = data.coding[["interview_id", "segment", "coder"]]
    assert not keys.duplicated().any()
    assert keys.sort_values(list(keys.columns)).index.equals(keys.index)


def test_readme_counts_match_the_committed_files(interviews: pd.DataFrame, coding: pd.DataFrame):
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    doubled = coding.loc[coding.duplicated(["interview_id", "segment"]), "interview_id"].nunique()
    assert f"| `interviews.csv` | {len(interviews):,}, one per interview |" in readme
    assert f"| `coding.csv` | {len(coding):,}, one per segment and coder |" in readme
    assert f"{doubled} interviews (a fifth)" in readme
    assert "SYNTHETIC" in readme
