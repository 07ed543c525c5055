"""The anonymisation stage on the mini fixture: pseudonyms, consent, release, atomic writes."""

import csv
import functools
import hashlib
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bad_inputs import BAD_INPUT_CASES, build_bad_case
from conftest import CODEBOOK, ROOT, SCHEMA_DIR, write_files, written_index

from peacekeeping_interviews.analysis.release import RELEASED_ATTRIBUTES, tenure_bands
from peacekeeping_interviews.problems import InputError
from peacekeeping_interviews.restricted.anonymisation import (
    AnonymisationOutputs,
    ConfidentialInputs,
    anonymise_interviews,
    mission_counts,
    pseudonymise,
    run_anonymisation,
    sensitive_name_collisions,
)
from peacekeeping_interviews.restricted.anonymisation_report import (
    anonymisation_summary,
    report_markdown,
)
from peacekeeping_interviews.restricted.leak_scan import LeakError, run_leak_scan, scan_text
from peacekeeping_interviews.restricted.pseudonymisation import (
    DEMO_KEY,
    key_fingerprint,
    pseudonym_key,
)
from peacekeeping_interviews.restricted.restricted_strings import index_binding
from peacekeeping_interviews.restricted.validation import validate_inputs
from peacekeeping_interviews.vocabulary import WITHHELD

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


@pytest.fixture(scope="module")
def validated_example():
    return validate_inputs(
        ROOT / "data/example/interviews.csv",
        ROOT / "data/example/coding.csv",
        CODEBOOK,
        schema_dir=SCHEMA_DIR,
        latest_interview_date=LATEST,
    )


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
    assert "date" not in table.columns  # no interview is dated below its released unit

    named = table.loc[crosswalk["MINI-01"]]
    assert (named["name"], named["location"], named["consent"]) == (
        "Orla Venstrade",
        "New York",
        "named",
    )
    assert named["citation"] == "Orla Venstrade, former Head of Political Affairs in MONUSCO"

    for interview_id in source.index[source["consent"] != "named"]:
        row = table.loc[crosswalk[interview_id]]
        assert (row["name"], row["public_role"]) == ("", "")
        assert row["location"] in ("in_person", "remote", WITHHELD)
        if row["descriptor"] in ("", WITHHELD):
            assert row["citation"] == "an anonymous source"
        else:
            assert source.at[interview_id, "consent"] == "descriptor"
            assert row["citation"].endswith(" " + row["descriptor"])

    non_named = source.index[source["consent"] != "named"]
    released_text = release.interviews.to_csv()
    for interview_id in non_named:
        assert source.at[interview_id, "name"] not in released_text
    assert "MINI-" not in released_text + release.coding.to_csv()


def test_collection_order_is_the_order_the_interviews_were_conducted(release, validated):
    """By date as recorded (a month-only date first in its month), then by interview id."""
    source = validated.interviews.sort_values(["date", "interview_id"], kind="stable")
    by_id = release.crosswalk.set_index("interview_id")["pseudonym"]
    assert release.interviews["pseudonym"].tolist() == by_id[source["interview_id"]].tolist()
    assert release.interviews["collection_order"].tolist() == list(range(1, len(source) + 1))


def test_excerpts_are_scrubbed_and_logged(release):
    excerpts = " ".join(release.coding["excerpt"])
    assert "Balquist" not in excerpts
    assert "[an interviewee] was there with me" in excerpts
    assert "New York" not in excerpts  # MINI-12's own city; MINI-12 is not named
    assert release.log["action"].value_counts().to_dict() == {
        "interviewee name": 3,  # full name twice (two coders), surname once
        "city of a non-named interview": 1,
    }


def test_a_non_named_interviews_city_is_replaced_in_every_excerpt(
    tmp_path, mini_inputs, anonymisation_settings
):
    """Replaced only in its own interview's excerpts, a city's placeholder would say whose
    interview it is ("Here in [a European capital]": in person, in that city, beside a row whose
    location is withheld), and other interviews' mentions would name it."""
    coding = pd.read_csv(mini_inputs["coding"], dtype=str, keep_default_na=False)
    mentions = {
        ("MINI-10", "1"): "Here in London nobody wants to be expelled.",  # its own city
        ("MINI-03", "1"): "I flew to Berlin and to Kinshasa for it.",  # MINI-08's and MINI-05's
        ("MINI-01", "1"): "New York and London kept the president on side.",  # a named interview
    }
    for (interview, segment), excerpt in mentions.items():
        rows = (coding["interview_id"] == interview) & (coding["segment"] == segment)
        coding.loc[rows, "excerpt"] = excerpt
    coding.to_csv(tmp_path / "coding.csv", index=False, lineterminator="\n")
    inputs = {**mini_inputs, "coding": tmp_path / "coding.csv"}
    validated = validate_inputs(**inputs, schema_dir=SCHEMA_DIR, latest_interview_date=LATEST)
    release = anonymise_interviews(validated, anonymisation_settings, b"test key")
    excerpts = set(release.coding["excerpt"])
    assert {
        "Here in [a European capital] nobody wants to be expelled.",
        "I flew to [a European capital] and to [an African capital] for it.",
        "[a North American city] and [a European capital] kept the president on side.",
    } <= excerpts
    cities = release.log.loc[release.log["action"] == "city of a non-named interview"]
    assert sorted(zip(cities["interview_id"], cities["original"], cities["replacement"])) == [
        ("MINI-01", "London", "[a European capital]"),
        ("MINI-01", "New York", "[a North American city]"),
        ("MINI-03", "Berlin", "[a European capital]"),
        ("MINI-03", "Kinshasa", "[an African capital]"),
        ("MINI-10", "London", "[a European capital]"),
        ("MINI-12", "New York", "[a North American city]"),
    ]


def test_k_anonymity_reached_over_every_released_column(release, anonymisation_settings):
    """Counted directly, with pycanon out of the loop: every non-named row reads exactly like at
    least k_min - 1 other non-named rows in every column but the row keys."""
    k_min = anonymisation_settings["k_min"]
    assert min(released_class_sizes(release.interviews.to_csv(index=False))) >= k_min
    assert release.disclosure.k_after >= k_min > release.disclosure.k_before


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
    import peacekeeping_interviews.restricted.anonymisation as stage

    monkeypatch.setattr(stage, "report_markdown", lambda summary: "Sabine Quorrell\n")
    with pytest.raises(
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


def released_class_sizes(interviews_csv: str) -> list[int]:
    """For each non-named row of a written interview table, how many non-named rows share its
    values in every column but the pseudonym and the collection order."""
    rows = list(csv.DictReader(io.StringIO(interviews_csv)))
    keys = [
        tuple(v for c, v in row.items() if c not in ("pseudonym", "collection_order"))
        for row in rows
        if row["consent"] != "named"
    ]
    return [keys.count(key) for key in keys]


def unit_interval(value: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """The first and last month (year, month) a released time unit covers; ``*`` covers all."""
    if value == "*":
        return (0, 1), (9999, 12)
    if len(value) == 4:
        return (int(value), 1), (int(value), 12)
    if value[5] == "Q":
        first = 3 * (int(value[6]) - 1) + 1
        return (int(value[:4]), first), (int(value[:4]), first + 2)
    return (int(value[:4]), int(value[5:7])), (int(value[:4]), int(value[5:7]))


def feasible_dates_are_released_units(interviews_csv: str) -> bool:
    """Whether, for every non-named row, the interval its own unit and the order allow (no
    earlier than any unit before it starts, no later than any unit after it ends) is its unit."""
    rows = sorted(
        csv.DictReader(io.StringIO(interviews_csv)), key=lambda r: int(r["collection_order"])
    )
    intervals = [unit_interval(row["month"]) for row in rows]
    date_like = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
    if any(date_like.search(v) for row in rows for v in row.values()):
        return False
    for n, row in enumerate(rows):
        if row["consent"] == "named":
            continue
        earliest = max(start for start, _ in intervals[: n + 1])
        latest = min(end for _, end in intervals[n:])
        if (earliest, latest) != intervals[n]:
            return False
    return True


def test_the_example_release_as_written_is_protected(example_release_paths):
    """On the committed example with the project's settings, read back from the written file:
    k >= k_min over every released column, no date narrowed, and the report's figures agree."""
    written = Path(example_release_paths["interviews"]).read_text(encoding="utf-8")
    outputs = AnonymisationOutputs.under(Path(example_release_paths["interviews"]).parents[2])
    report = json.loads(outputs.summary.read_text(encoding="utf-8"))
    disclosure = report["disclosure"]
    sizes = released_class_sizes(written)
    assert min(sizes) >= disclosure["k_min"] == 3
    after = disclosure["measured"]["every_released_column"]["after"]
    assert (after["k"], after["unique_rows"]) == (min(sizes), sizes.count(1))
    assert feasible_dates_are_released_units(written)


def test_the_report_shows_what_declared_non_identifying_columns_leave_unprotected(
    validated_example, anonymisation_settings
):
    """Every attribute declared non-identifying: nothing is protected, and the report's
    side-by-side measure over every released column says so (k = 1)."""
    every_attribute = [
        {"column": column, "reason": "declared for this test of the report"}
        for column in RELEASED_ATTRIBUTES
    ]
    settings = dict(anonymisation_settings, non_identifying=every_attribute)
    release = anonymise_interviews(validated_example, settings, DEMO_KEY)
    summary = anonymisation_summary(validated_example, release, settings, "demo", [])
    measured = summary["disclosure"]["measured"]
    assert measured["quasi_identifiers"]["after"]["columns"] == []
    assert measured["every_released_column"]["after"]["k"] == 1
    assert "- Quasi-identifiers: none" in report_markdown(summary)


def test_the_date_check_catches_day_order_beside_named_dates():
    """The check itself: named full dates and a day order would narrow a non-named month."""
    narrowed = (
        "pseudonym,collection_order,month,consent\n"
        "P-1,1,2020-01,anonymous\nP-2,2,2020-02,named\nP-3,3,*,anonymous\nP-4,4,2020-02,named\n"
    )
    assert not feasible_dates_are_released_units(narrowed)
    dated = "pseudonym,collection_order,month,consent,date\nP-1,1,2020-01,named,2020-01-05\n"
    assert not feasible_dates_are_released_units(dated)
    fine = "pseudonym,collection_order,month,consent\nP-1,1,2020,anonymous\nP-2,2,2020,named\n"
    assert feasible_dates_are_released_units(fine)


def run_final_scan(tmp_path, inputs, settings, planted: dict[str, str]) -> tuple[str, Path]:
    """Plant files below tmp_path, run the final scan with its log as the workflow keeps it, and
    return the message and log text and the quarantine folder."""
    from peacekeeping_interviews.workflow_adapter import logged

    write_files(tmp_path, planted)
    quarantine = tmp_path / "data" / "restricted" / "quarantine"
    log = tmp_path / "logs" / "leak_scan" / "scan_for_leaks.log"
    environ = {"PKI_PSEUDONYM_KEY": SECRET_KEY}
    with pytest.raises(LeakError) as raised, logged(str(log)):
        run_leak_scan(
            written_index(confidential(inputs, settings), tmp_path / "data/restricted", environ),
            settings,
            public_dirs=[tmp_path / "results"],
            report=tmp_path / "results" / "leak_scan.json",
            quarantine=quarantine,
            root=tmp_path,
            environ=environ,
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


def allowing(settings: dict, folder: Path, entries: list) -> dict:
    """The settings with an allow-list file holding ``entries``."""
    path = folder / "allow_list.yaml"
    path.write_text(yaml.safe_dump(entries), encoding="utf-8")
    return {**settings, "allow_list": str(path)}


def test_the_final_scan_lets_an_allowed_word_through_in_the_files_it_names_and_counts_it(
    tmp_path, mini_inputs, anonymisation_settings
):
    """Balquist is an anonymous interviewee's surname, and the name of a published statistic:
    the paper may cite it once the authors allow it there, and nowhere else."""
    settings = allowing(
        anonymisation_settings,
        tmp_path,
        [
            {"interview_id": "MINI-03", "segment": 2, "word": "Balquist", "reason": "an excerpt"},
            {"file": "results/paper/*", "word": "Balquist", "reason": "Balquist's index"},
        ],
    )
    paper = "Balquist's index (Balquist 1960) was used.\nSee Balquist (1960).\n"
    (tmp_path / "results/paper").mkdir(parents=True)
    (tmp_path / "results/paper/paper.md").write_text(paper, encoding="utf-8")
    summary = run_leak_scan(
        written_index(confidential(mini_inputs, settings), tmp_path / "data/restricted"),
        settings,
        public_dirs=[tmp_path / "results"],
        report=tmp_path / "results" / "leak_scan.json",
        quarantine=tmp_path / "data" / "restricted" / "quarantine",
        root=tmp_path,
        environ={"PKI_PSEUDONYM_KEY": SECRET_KEY},
    )
    assert summary["allow_list_file_entries"] == [{"entry": 1, "let_through": 2}]
    report = (tmp_path / "results" / "leak_scan.json").read_text(encoding="utf-8")
    assert "balquist" not in report.casefold()
    (tmp_path / "results/table.md").write_text("Balquist's index\n", encoding="utf-8")
    message, quarantine = run_final_scan(tmp_path, mini_inputs, settings, {})
    assert "results/table.md:1:1: non-named interviewee's name" in message
    assert (quarantine / "results/table.md").exists()


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (
            {"word": "Balquist"},
            "whole file: got 'a dict'; expected a YAML list of entries",
        ),
        (
            ["Balquist"],
            "at [0]: got 'a str'; expected {interview_id, segment, word, reason}",
        ),
        (
            [{"file": "results/*", "word": "Balquist"}],
            "at [0]: got 'keys file, word'; expected {interview_id, segment, word, reason} "
            "(words let through in one excerpt) or {file, word, reason}",
        ),
        (
            [{"file": "/abs/*", "word": "Balquist", "reason": "r"}],
            "at [0].file: got '/abs/*'; expected a glob of public paths relative to the project",
        ),
        (
            [
                {"file": "results/*", "word": "Balquist", "reason": "r"},
                {"interview_id": "MINI-03", "segment": "two", "word": "--", "reason": "r"},
            ],
            "at [1].segment: got 'two'; expected the segment's number, an integer of at least 1",
        ),
        (
            [{"interview_id": "MINI-03", "segment": 2, "word": "--", "reason": "r"}],
            "at [0].word: got '-… (2 characters)'; expected the words let through",
        ),
    ],
)
def test_a_malformed_allow_list_is_refused_naming_the_entry_and_what_it_needs(
    tmp_path, validated, anonymisation_settings, entries, expected
):
    settings = allowing(anonymisation_settings, tmp_path, entries)
    with pytest.raises(InputError) as raised:
        anonymise_interviews(validated, settings, b"test key")
    assert f"{tmp_path / 'allow_list.yaml'}: {expected}" in str(raised.value)
    assert "Balquist" not in str(raised.value)


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
            written_index(
                confidential(mini_inputs, anonymisation_settings), tmp_path / "data/restricted"
            ),
            anonymisation_settings,
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


EVERY_ATTRIBUTE_BUT_THE_MONTH = [
    {"column": column, "reason": "declared harmless for this test of the dates alone"}
    for column in RELEASED_ATTRIBUTES
    if column != "month"
]


@pytest.mark.parametrize(
    "overrides",
    [
        {"priorities": ["function", "level", "posting"]},
        {"non_identifying": EVERY_ATTRIBUTE_BUT_THE_MONTH, "k_min": 2},
        {"non_identifying": EVERY_ATTRIBUTE_BUT_THE_MONTH, "k_min": 3},
    ],
)
def test_no_date_is_narrowed_below_its_released_unit(
    validated_example, anonymisation_settings, overrides
):
    """From the release alone, the dates a non-named interview can have (its released unit, and
    the units of the interviews before and after it in the collection order) are exactly its
    released unit: nothing released narrows it. With the month the only quasi-identifier, it is
    released (at some resolution), so the check has dates to work on."""
    settings = dict(anonymisation_settings, **overrides)
    released = anonymise_interviews(validated_example, settings, DEMO_KEY).interviews
    if "non_identifying" in overrides:
        assert (released["month"] != WITHHELD).all()
    assert feasible_dates_are_released_units(released.to_csv(index=False))


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


def test_a_scan_refuses_an_index_of_other_inputs_settings_or_key(
    tmp_path, mini_inputs, anonymisation_settings
):
    """An edited, stale or borrowed index would let through what it lacks: the workflow binds
    the index to the run (restricted_strings.index_binding) and the scans compare."""
    bound = replace(confidential(mini_inputs, anonymisation_settings), index_binding="run-a")
    index = written_index(bound, tmp_path / "data/restricted")
    (tmp_path / "results").mkdir()
    scan = functools.partial(
        run_leak_scan,
        index,
        anonymisation_settings,
        public_dirs=[tmp_path / "results"],
        report=tmp_path / "results" / "leak_scan.json",
        quarantine=tmp_path / "data" / "restricted" / "quarantine",
        root=tmp_path,
        environ={},
    )
    assert scan(binding="run-a")["leaks"] == 0
    with pytest.raises(InputError, match="other inputs, settings or key"):
        scan(binding="run-b")


def test_the_binding_changes_with_every_input_it_covers():
    base = ("validated", {"k_min": 2}, "allow-list", key_fingerprint(b"key-one"))
    others = [
        ("validated2", *base[1:]),
        (base[0], {"k_min": 3}, *base[2:]),
        (*base[:2], "allow-list2", base[3]),
        (*base[:3], key_fingerprint(b"key-two")),
    ]
    bindings = {index_binding(*base), *(index_binding(*other) for other in others)}
    assert len(bindings) == 5
    assert key_fingerprint(b"key-one") == key_fingerprint(b"key-one")
    assert "key-one" not in key_fingerprint(b"key-one")
