"""The anonymisation stage on the mini fixture: pseudonyms, consent, release, atomic writes."""

import hashlib
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from bad_inputs import BAD_INPUT_CASES, build_bad_case
from conftest import SCHEMA_DIR

from peacekeeping_interviews.anonymisation import (
    DEMO_KEY,
    AnonymisationOutputs,
    ConfidentialInputs,
    LeakError,
    anonymise_interviews,
    mission_counts,
    pseudonym_key,
    pseudonymise,
    run_anonymisation,
    run_leak_scan,
    sensitive_name_collisions,
    tenure_bands,
)
from peacekeeping_interviews.leak_scan import scan_text
from peacekeeping_interviews.problems import InputError
from peacekeeping_interviews.validation import validate_inputs

LATEST = "2026-11-23"


def rfc2104_hmac_sha256(key: bytes, message: bytes) -> str:
    """HMAC written out from its definition (RFC 2104), as an independent reference."""
    block = 64
    key = (
        key.ljust(block, b"\0")
        if len(key) <= block
        else hashlib.sha256(key).digest().ljust(block, b"\0")
    )
    inner = hashlib.sha256(bytes(k ^ 0x36 for k in key) + message).digest()
    return hashlib.sha256(bytes(k ^ 0x5C for k in key) + inner).hexdigest()


def confidential(paths: dict, settings: dict) -> ConfidentialInputs:
    return ConfidentialInputs(
        **paths, schema_dir=SCHEMA_DIR, settings=settings, latest_interview_date=LATEST
    )


@pytest.fixture
def validated(mini_inputs):
    return validate_inputs(**mini_inputs, schema_dir=SCHEMA_DIR, latest_interview_date=LATEST)


@pytest.fixture
def release(validated, anonymisation_settings):
    return anonymise_interviews(validated, anonymisation_settings, b"test key")


def test_pseudonyms_are_keyed_hmacs_of_the_id():
    ids = pd.Series(["MINI-01", "MINI-02"])
    first = pseudonymise(ids, b"key one", "P")
    assert first.tolist() == [f"P-{rfc2104_hmac_sha256(b'key one', i.encode())[:10]}" for i in ids]
    assert pseudonymise(ids, b"key one", "P").tolist() == first.tolist()
    assert not set(pseudonymise(ids, b"key two", "P")) & set(first)


def test_pseudonyms_do_not_depend_on_names_or_row_order(validated):
    shuffled = validated.interviews.iloc[::-1].assign(name="someone else")
    forward = pseudonymise(validated.interviews["interview_id"], b"k", "P")
    backward = pseudonymise(shuffled["interview_id"], b"k", "P")
    assert forward.to_dict() == backward.to_dict()


def test_key_comes_from_environment_then_file_then_demo_for_synthetic_only(
    tmp_path, anonymisation_settings
):
    settings = anonymisation_settings
    env = {settings["key_env_var"]: "from-env"}
    assert pseudonym_key(settings, False, env)[0] == b"from-env"
    key_file = tmp_path / "no-such.key"
    key_file.write_text("from-file\n")
    assert pseudonym_key(settings, False, {})[0] == b"from-file"
    key_file.unlink()
    assert pseudonym_key(settings, True, {})[0] == DEMO_KEY
    with pytest.raises(InputError, match="demo key is only"):
        pseudonym_key(settings, False, {})


def test_consent_rules_in_the_released_interviews(release, validated):
    table = release.interviews.set_index("pseudonym")
    crosswalk = release.crosswalk.set_index("interview_id")["pseudonym"]
    source = validated.interviews.set_index("interview_id")

    named = table.loc[crosswalk["MINI-01"]]
    assert (named["name"], named["date"], named["location"]) == (
        "Orla Venstrade",
        "2019-07-15",
        "New York",
    )
    assert named["citation"] == "Orla Venstrade, former Head of Political Affairs in MONUSCO"

    descriptor = table.loc[crosswalk["MINI-06"]]
    assert (descriptor["name"], descriptor["date"], descriptor["location"]) == ("", "", "remote")
    assert descriptor["citation"] == "an NGO leader and former UN official"

    anonymous = table.loc[crosswalk["MINI-05"]]
    assert (anonymous["name"], anonymous["descriptor"], anonymous["date"]) == ("", "", "")
    assert anonymous["location"] == "in_person" and anonymous["month"] == "2020-02"
    assert anonymous["citation"] == "an anonymous source"

    non_named = source.index[source["consent"] != "named"]
    released_text = release.interviews.to_csv()
    for interview_id in non_named:
        assert source.at[interview_id, "name"] not in released_text
    assert "MINI-" not in released_text + release.coding.to_csv()


def test_collection_order_follows_months(release):
    by_order = release.interviews.sort_values("collection_order")["month"].tolist()
    assert by_order == sorted(by_order)


def test_excerpts_are_scrubbed_and_logged(release):
    excerpts = " ".join(release.coding["excerpt"])
    assert "Balquist" not in excerpts
    assert "[an interviewee] was there with me" in excerpts
    assert set(release.log["action"]) == {"interviewee name"}
    assert len(release.log) == 3  # full name twice (two coders), surname once


def test_k_anonymity_reached_over_non_named_rows(release, anonymisation_settings):
    from pycanon import anonymity

    qis = anonymisation_settings["quasi_identifiers"]
    non_named = release.interviews[release.interviews["consent"] != "named"]
    assert anonymity.k_anonymity(non_named.reset_index(drop=True), qis) >= 2
    assert release.disclosure.k_after >= 2 > release.disclosure.k_before - 1


def test_tenure_bands():
    years = pd.Series([0, 1.9, 2, 9.99, 10, 25, float("nan")])
    assert tenure_bands(years, [0, 2, 5, 10]).tolist() == [
        "0-2",
        "0-2",
        "2-5",
        "5-10",
        "10+",
        "10+",
        "",
    ]


def test_run_writes_every_output_and_is_byte_identical(
    tmp_path, mini_inputs, anonymisation_settings
):
    def run(root):
        return run_anonymisation(
            confidential(mini_inputs, anonymisation_settings),
            outputs=AnonymisationOutputs.under(root),
            environ={},
        )

    fields = AnonymisationOutputs.__dataclass_fields__
    run(tmp_path)
    first = {
        field: getattr(AnonymisationOutputs.under(tmp_path), field).read_bytes() for field in fields
    }
    for field in fields:
        getattr(AnonymisationOutputs.under(tmp_path), field).unlink()
    summary = run(tmp_path)
    for field in fields:
        assert getattr(AnonymisationOutputs.under(tmp_path), field).read_bytes() == first[field], (
            field
        )
    report = AnonymisationOutputs.under(tmp_path).report.read_text()
    assert report.startswith("> **SYNTHETIC DATA.**")
    assert summary["synthetic"] is True
    assert summary["by_consent"] == {"named": 2, "descriptor": 3, "anonymous": 7}
    assert summary["pseudonym_key_source"] == "public demo key (synthetic data only)"
    assert not list(tmp_path.rglob("*.partial"))


def test_a_leak_in_the_release_writes_nothing(
    tmp_path, mini_inputs, anonymisation_settings, monkeypatch
):
    import peacekeeping_interviews.anonymisation as stage

    monkeypatch.setattr(stage, "report_markdown", lambda summary: "Sabine Quorrell\n")
    with pytest.raises(
        LeakError,
        match=r"report\.md:1:1: non-named interviewee's name S… Q… \(15 characters\); "
        r"restricted by inputs\.interviews row 5, column name",
    ) as raised:
        run_anonymisation(
            confidential(mini_inputs, anonymisation_settings),
            outputs=AnonymisationOutputs.under(tmp_path),
            environ={},
        )
    assert "Quorrell" not in str(raised.value)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


SECRET_KEY = "a-long-secret-key-value"


def run_final_scan(tmp_path, inputs, settings, planted: dict[str, str]) -> tuple[str, Path]:
    """Plant files below tmp_path, run the final scan with its log as the workflow keeps it, and
    return the message and log text and the quarantine folder."""
    from peacekeeping_interviews.workflow_adapter import logged

    for path, text in planted.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    quarantine = tmp_path / "data" / "restricted" / "quarantine"
    log = tmp_path / "logs" / "leak_scan" / "scan_for_leaks.log"
    with pytest.raises(LeakError) as raised, logged(str(log)):
        run_leak_scan(
            confidential(inputs, settings),
            public_dirs=[tmp_path / "results"],
            report=tmp_path / "results" / "leak_scan.json",
            quarantine=quarantine,
            root=tmp_path,
            environ={"PKI_PSEUDONYM_KEY": SECRET_KEY},
        )
    return str(raised.value) + "\n" + log.read_text(encoding="utf-8"), quarantine


@pytest.mark.parametrize(
    ("path", "content", "value", "expected"),
    [
        (
            "results/analysis/table.csv",
            "pseudonym,who\nx,Teodor Balquist\n",
            "Balquist",
            "results/analysis/table.csv:2:3: non-named interviewee's name T… B… (15 characters) "
            "in column 2 'who'; restricted by inputs.interviews row 2, column name",
        ),
        (
            "results/sample/numbers.json",
            '{\n  "n": 3,\n  "source": "mini-04"\n}\n',
            "MINI-04",
            "results/sample/numbers.json:3:14: raw interview id M… (7 characters) in key "
            "'source'; restricted by inputs.interviews row 4, column interview_id",
        ),
        (
            "results/paper/paper.html",
            "<html><body>\n<p>Then <em>Keltz</em> spoke.</p>\n</body></html>\n",
            "Keltz",
            "results/paper/paper.html:2:13: sensitive name V… K… (10 characters); "
            "restricted by anonymisation.sensitive_names[0]",
        ),
        (
            "results/paper/appendix.html",
            "<p>She was very  cautious\tabout the RECORDING.</p>\n",
            "cautious",
            "results/paper/appendix.html:1:12: interviewer's notes V… c… a… … (33 characters); "
            "restricted by inputs.interviews row 4, column notes",
        ),
        (
            "results/run/settings.txt",
            f"key: {SECRET_KEY}\n",
            SECRET_KEY,
            "results/run/settings.txt:1:6: pseudonymisation key (23 characters); restricted by "
            "the key in $PKI_PSEUDONYM_KEY or",
        ),
    ],
)
def test_a_planted_leak_is_named_masked_and_quarantined(
    tmp_path, mini_inputs, anonymisation_settings, path, content, value, expected
):
    message, quarantine = run_final_scan(
        tmp_path, mini_inputs, anonymisation_settings, {path: content, "results/ok.txt": "ok\n"}
    )
    assert expected.replace(str(tmp_path) + "/", "") in message.replace(str(tmp_path) + "/", "")
    assert value.casefold() not in message.casefold()
    assert not (tmp_path / path).exists() and (tmp_path / "results/ok.txt").exists()
    assert (quarantine / path).read_text(encoding="utf-8") == content
    assert f"{quarantine / path}" in message


def test_a_full_date_beside_its_pseudonym_is_named_with_its_cell(
    tmp_path, mini_inputs, anonymisation_settings
):
    pseudonym = pseudonymise(pd.Series(["MINI-05"]), SECRET_KEY.encode(), "P")[0]
    message, _ = run_final_scan(
        tmp_path,
        mini_inputs,
        anonymisation_settings,
        {"results/t.csv": f"pseudonym,day,city\n{pseudonym},2020-02-11,Kinshasa\n"},
    )
    assert (
        "results/t.csv:2:14: full date of a non-named interview 2… (10 characters) in column 2 "
        "'day'; restricted by inputs.interviews row 5, column date"
    ) in message
    assert (
        "results/t.csv:2:25: city of a non-named interview K… (8 characters) in column 3 "
        "'city'; restricted by inputs.interviews row 5, column location"
    ) in message
    assert "2020-02-11" not in message and "Kinshasa" not in message


def test_the_quarantine_may_not_be_inside_a_public_folder(
    tmp_path, mini_inputs, anonymisation_settings
):
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "t.csv").write_text("x,Teodor Balquist\n")
    with pytest.raises(ValueError, match="inside the public folder"):
        run_leak_scan(
            confidential(mini_inputs, anonymisation_settings),
            public_dirs=[tmp_path / "results"],
            report=tmp_path / "results" / "leak_scan.json",
            quarantine=tmp_path / "results" / "quarantine",
            root=tmp_path,
            environ={},
        )
    assert (tmp_path / "results" / "t.csv").exists()


def test_a_sensitive_name_spelt_as_a_named_interviewees_is_reported(validated):
    sensitive = [
        {"name": "Varo Keltz", "replacement": "[a minister]"},
        {"name": "ORLA VEN\u00adSTRADE", "replacement": "[a governor]"},  # soft hyphen
        {"name": "Trembath", "replacement": "[a general]"},  # a named interviewee's surname
        {"name": "Teodor Balquist", "replacement": "[an adviser]"},  # not named: no collision
        {"name": "Lucia Trembath-Hale", "replacement": "[an envoy]"},
    ]
    problems = sensitive_name_collisions(validated.interviews, sensitive)
    assert [(p.file, p.row) for p in problems] == [
        ("config", "anonymisation.sensitive_names[1].name"),
        ("config", "anonymisation.sensitive_names[2].name"),
    ]
    assert "inputs.interviews row 1, column name" in problems[0].expected
    assert "inputs.interviews row 7, column name" in problems[1].expected
    assert problems[0].value == "O… V… (15 characters)"
    assert "STRADE" not in str(problems[0]) and "Trembath" not in str(problems[1])


def test_the_configured_sensitive_names_do_not_collide(validated, anonymisation_settings):
    assert sensitive_name_collisions(validated.interviews, []) == []
    assert (
        sensitive_name_collisions(validated.interviews, anonymisation_settings["sensitive_names"])
        == []
    )


@pytest.mark.parametrize("case", BAD_INPUT_CASES, ids=[c["id"] for c in BAD_INPUT_CASES])
def test_bad_input_stops_the_stage_before_anything_is_written(
    case, tmp_path, anonymisation_settings
):
    inputs = build_bad_case(case, tmp_path / "inputs")
    with pytest.raises(InputError) as raised:
        run_anonymisation(
            confidential(inputs, anonymisation_settings),
            outputs=AnonymisationOutputs.under(tmp_path / "out"),
            environ={},
        )
    assert any(all(part in str(p) for part in case["expect"]) for p in raised.value.problems)
    assert not (tmp_path / "out").exists()


def test_a_shared_surname_does_not_hide_a_full_name_from_the_leak_scan(
    validated, anonymisation_settings
):
    interviews = validated.interviews.copy()
    interviews.loc[interviews["interview_id"] == "MINI-05", "name"] = "Teodor Venstrade"
    shared = replace(validated, interviews=interviews)
    restricted = anonymise_interviews(shared, anonymisation_settings, b"k").restricted
    assert scan_text("x,Teodor Venstrade\n", "t.csv", restricted)
    assert not scan_text("x,Orla Venstrade\n", "t.csv", restricted)
    assert scan_text("see mini-05\n", "t.csv", restricted)  # raw ids in any case


def test_order_within_a_month_does_not_follow_the_days(release, validated):
    """Beside named interviews' published dates, day order would narrow non-named dates."""
    table = release.interviews
    assert table["collection_order"].tolist() == list(range(1, len(table) + 1))
    for _, month in table.groupby("month"):
        assert month["pseudonym"].tolist() == sorted(month["pseudonym"])


def test_mission_counts_count_each_mission_served_and_mask_small_cells():
    missions = pd.Series(["UNMIL;UNOCI", "UNMIL", "", "UNOCI;MINUSMA", "UNMIL"])
    counts = mission_counts(missions, k_min=3)
    assert counts.to_dict("list") == {
        "mission": ["MINUSMA", "UNMIL", "UNOCI"],
        "interviews": ["<3", "3", "<3"],
    }


def test_mission_counts_are_released_beside_the_interviews(mini_release_paths, mini_inputs):
    released = pd.read_csv(
        mini_release_paths["interviews"].parent / "mission_counts.csv", dtype=str
    )
    raw = pd.read_csv(mini_inputs["interviews"], dtype=str, keep_default_na=False)
    served = raw["missions"][raw["missions"] != ""].str.split(";").explode().value_counts()
    assert set(released["mission"]) == set(served.index)
    for mission, shown in zip(released["mission"], released["interviews"]):
        assert shown == (str(served[mission]) if served[mission] >= 2 else "<2")
