"""The deposit's metadata documents, each checked by its standard's own validator, and the
finished example bundle as an archive and a reviewer receive it."""

import hashlib
import json
import subprocess
import zipfile
from pathlib import Path

import bagit
import pytest
import yaml
from conftest import ROOT, missing_tool
from reader_checks import BANNER_START, read_pdf

from peacekeeping_interviews import __version__
from peacekeeping_interviews.archive.bagging import DepositError
from peacekeeping_interviews.archive.citation import (
    cffconvert_executable,
    citation_cff,
    datacite_metadata,
    mandates_source,
    minted_doi,
    validate_datacite,
)
from peacekeeping_interviews.archive.data_package import release_table_schema
from peacekeeping_interviews.archive.deposit_readme import render_template
from peacekeeping_interviews.archive.qda_export import CODED_RELEASE
from peacekeeping_interviews.archive.ro_crate import validate_crate
from peacekeeping_interviews.files import read_yaml
from peacekeeping_interviews.study_config import (
    public_config,
    public_config_text,
    schema_problems,
    unfinished_metadata_problems,
)


@pytest.fixture
def study(project_config) -> dict:
    return project_config["study"]


def test_datacite_metadata_has_the_mandatory_properties_and_the_funder(study):
    document = datacite_metadata(study, "1.2.0", "2026", synthetic=False, data_fingerprint="0" * 20)
    validate_datacite(document)
    assert document["fundingReferences"][0]["awardNumber"] == "ES/R004161/1"
    assert document["types"]["resourceTypeGeneral"] == "Dataset"
    assert document["alternateIdentifiers"][0]["alternateIdentifier"] == study["identifier"]
    del document["creators"]
    with pytest.raises(DepositError, match="'creators' is a required property"):
        validate_datacite(document)


def test_a_minted_doi_becomes_the_identifier_and_a_placeholder_stays_one(study):
    assert minted_doi(study["identifier"]) is None
    assert minted_doi("https://doi.org/10.5255/UKDA-SN-123456") == "10.5255/UKDA-SN-123456"
    minted = {**study, "identifier": "10.5255/UKDA-SN-123456"}
    document = datacite_metadata(
        minted, "1.2.0", "2026", synthetic=False, data_fingerprint="0" * 20
    )
    validate_datacite(document)
    assert document["doi"] == "10.5255/UKDA-SN-123456" and "alternateIdentifiers" not in document
    cff = yaml.safe_load(citation_cff(minted, "1.2.0", "2026-11-23", synthetic=False))
    assert cff["identifiers"] == [
        {"type": "doi", "value": "10.5255/UKDA-SN-123456", "description": "The deposit's DOI"}
    ]
    placeholder = yaml.safe_load(citation_cff(study, "1.2.0", "2026-11-23", synthetic=False))
    assert "placeholder" in placeholder["identifiers"][0]["description"]


def test_the_mandates_source_is_the_configured_one(project_config):
    pema = mandates_source(project_config, synthetic=False)
    assert pema["url"] == "https://doi.org/10.1177/00220027211068897"
    assert "Introducing the Peacekeeping Mandates (PEMA) Dataset" in pema["citation"]
    assert pema["licence"] == "as stated by the PEMA dataset's distributors"
    own = {"citation": "Someone (2030) Mandates v9.", "doi": "10.1234/mandates.9"}
    configured = mandates_source({"mandates": {"source": own}}, synthetic=True)
    assert configured["citation"] == own["citation"]
    assert configured["url"] == "https://doi.org/10.1234/mandates.9"
    assert "no PEMA data" in configured["licence"]


def test_placeholder_documents_name_the_configured_funder():
    funder = {"name": "A Research Council", "grant": "AB/123/4"}
    for name in ("information_sheet_template.md", "consent_form_template.md"):
        text = render_template(name, {"funder": funder, "publisher": "An Archive"})
        assert text.startswith("# PLACEHOLDER") and "A Research Council, grant AB/123/4" in text
        assert "ES/R004161/1" not in text and "ESRC" not in text
        assert "with An Archive" in text and "UK Data Service" not in text


def test_study_metadata_of_synthetic_data_are_never_refused(study):
    unfinished = {**study, "abstract": "TODO", "title": "A synthetic example"}
    assert unfinished_metadata_problems(unfinished, synthetic=True) == []


def test_real_data_refuse_unfinished_study_metadata_naming_each_key(study):
    creators = [dict(c, affiliation="University of Somewhere") for c in study["creators"]]
    finished = {**study, "creators": creators}
    assert unfinished_metadata_problems(finished, synthetic=False) == []
    unfinished = {
        **finished,
        "title": "Interviews (synthetic example data)",
        "abstract": "To be completed by the authors.",
        "paper": {"title": "Findings from example data", "abstract": "TBD"},
        "keywords": ["peacekeeping", "TBD"],
        "creators": [*creators[:1], {"family_name": "Doe", "given_name": "Jo"}],
    }
    problems = unfinished_metadata_problems(unfinished, synthetic=False)
    assert [(p.file, p.row) for p in problems] == [
        ("config", "study.abstract"),
        ("config", "study.paper.abstract"),
        ("config", "study.keywords[1]"),
        ("config", "study.title"),
        ("config", "study.paper.title"),
        ("config", "study.creators[1].affiliation"),
    ]
    assert "the deposit labels synthetic data itself" in problems[3].expected


def test_the_example_study_metadata_ask_real_data_only_for_affiliations(study):
    """The identifier may stay a placeholder until the archive mints the DOI; the example's
    creators have no affiliation yet."""
    problems = unfinished_metadata_problems(study, synthetic=False)
    assert [p.row for p in problems] == [
        f"study.creators[{i}].affiliation"
        for i, creator in enumerate(study["creators"])
        if "affiliation" not in creator
    ]


def test_citation_cff_validates_with_cffconvert(study, tmp_path):
    try:
        executable = cffconvert_executable({**__import__("os").environ})
    except DepositError as error:
        missing_tool(str(error))
    good = tmp_path / "CITATION.cff"
    good.write_text(citation_cff(study, "1.2.0", "2026-11-23", synthetic=True))
    assert subprocess.run([executable, "--validate", "-i", str(good)]).returncode == 0
    document = yaml.safe_load(good.read_text())
    assert document["title"].endswith("[synthetic example data]")
    document["authors"][0]["orcid"] = "not an orcid"
    good.write_text(yaml.safe_dump(document))
    result = subprocess.run([executable, "--validate", "-i", str(good)], capture_output=True)
    assert result.returncode != 0


RESTRICTED_SETTINGS = {
    "sensitive_names": [],
    "key_file": "not deposited (restricted)",
    "place_descriptors": {},
}


def test_the_deposited_config_holds_no_restricted_setting_and_still_validates(project_config):
    """The cities of non-named interviews (``place_descriptors``) and the allow-list's place
    are as restricted as the sensitive names and the key file; a reviewer's run from the
    release must still accept the config."""
    config = {
        **project_config,
        "anonymisation": {
            **project_config["anonymisation"],
            "allow_list": "data/restricted/allow_list.yaml",
        },
    }
    public = public_config(config)
    settings = public["anonymisation"]
    assert {key: settings[key] for key in RESTRICTED_SETTINGS} == RESTRICTED_SETTINGS
    assert "allow_list" not in settings
    assert "Berlin" not in yaml.safe_dump(public) and "allow_list" not in yaml.safe_dump(public)
    assert schema_problems(public, read_yaml(ROOT / "workflow/schemas/config.schema.yaml")) == []
    assert config["anonymisation"]["place_descriptors"]  # the run's own config is untouched


def test_a_qda_config_is_published_without_the_project_and_its_value_translations(
    project_config,
):
    """From a REFI-QDA project: the project's place is not deposited, the mapping's value
    translations (which may spell out cities or roles as the cases hold them) are dropped, and
    the result is still a valid config for a rerun from the release."""
    inputs = {
        k: v for k, v in project_config["inputs"].items() if k not in ("interviews", "coding")
    }
    config = {
        **project_config,
        "inputs": {**inputs, "qdpx": "data/restricted/project.qdpx"},
        "refi_qda": {
            "variables": {"location": "City"},
            "values": {"location": {"Kinshasa (MONUSCO HQ)": "Kinshasa"}},
            "codes": {"Career security": "career_security"},
            "directions": {"Confrontational": "confrontational"},
        },
    }
    public = public_config(config)
    text = yaml.safe_dump(public)
    assert "project.qdpx" not in text and "Kinshasa" not in text
    assert public["inputs"]["qdpx"] == "not deposited (confidential)"
    assert public["refi_qda"]["values"] == {} and public["refi_qda"]["codes"]
    assert schema_problems(public, read_yaml(ROOT / "workflow/schemas/config.schema.yaml")) == []


def test_the_public_config_file_is_what_a_rerun_from_it_writes_again(project_config):
    """A run from the deposit reads the release's config.yaml as its config; publishing that
    config again must give the same bytes, or the rebuilt deposit could never match."""
    text = public_config_text(project_config)
    assert public_config_text(yaml.safe_load(text)) == text


def test_release_schema_lists_categories_and_the_withheld_code():
    schema = {
        "fields": [
            {"name": "level", "type": "string"},
            {"name": "pseudonym", "type": "string", "title": "Pseudonym"},
        ],
        "missingValues": [""],
    }
    deposited = release_table_schema(schema, {"level": ["srsg", "mission_leadership"]})
    assert deposited["missingValues"] == ["", "*"]
    assert deposited["fields"][0]["constraints"]["enum"] == ["srsg", "mission_leadership"]
    assert deposited["fields"][0]["title"] == "Level"
    assert deposited["fields"][1]["title"] == "Pseudonym"
    assert schema["missingValues"] == [""], "the project's schema must not change"


# ---------------------------------------------------------------------------- the example bundle


@pytest.fixture(scope="session")
def bag(example_run) -> Path:
    found = [p.parent for p in (example_run / "results/deposit").glob("*/bagit.txt")]
    assert [b.name for b in found] == [
        f"un-peacekeeping-norm-violations-interviews-synthetic-example-v{__version__}"
    ]
    return found[0]


@pytest.mark.end_to_end
def test_the_example_bundle_validates_with_each_standards_tool(bag):
    import frictionless

    bagit.Bag(str(bag)).validate()
    report = frictionless.Package(str(bag / "data/datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:5]
    validate_crate(bag / "data")
    validate_datacite(json.loads((bag / "data/datacite.json").read_text()))
    info = bagit.Bag(str(bag)).info
    assert info["Synthetic-Data"] == "true" and info["Access-Tier"] == "safeguarded"
    assert "ES/R004161/1" in info["Internal-Sender-Description"]


@pytest.mark.end_to_end
def test_the_crate_validator_rejects_a_crate_without_its_workflow(bag, tmp_path):
    crate = json.loads((bag / "data/ro-crate-metadata.json").read_text())
    for entity in crate["@graph"]:
        entity.pop("mainEntity", None)
    (tmp_path / "ro-crate-metadata.json").write_text(json.dumps(crate))
    with pytest.raises(DepositError, match="fails roc-validator"):
        validate_crate(tmp_path)


@pytest.mark.end_to_end
def test_the_codebook_describes_every_released_variable(bag):
    package = json.loads((bag / "data/datapackage.json").read_text())
    resources = {r["path"]: r for r in package["resources"]}
    assert {"release/interviews.csv", "release/coding.csv", "documentation/data_list.csv"} <= set(
        resources
    )
    interviews = {f["name"]: f for f in resources["release/interviews.csv"]["schema"]["fields"]}
    for field in interviews.values():
        assert field["title"] and field["type"] and field.get("description")
    assert "mission_leadership" in interviews["level"]["constraints"]["enum"]
    assert interviews["consent"]["constraints"]["enum"] == ["named", "descriptor", "anonymous"]
    assert resources["release/interviews.csv"]["schema"]["missingValues"] == ["", "*"]
    codes = {f["name"]: f for f in resources["release/coding.csv"]["schema"]["fields"]}["code"]
    assert "previous_experience" in codes["constraints"]["enum"]


@pytest.mark.end_to_end
def test_the_data_list_has_one_row_per_released_interview(bag):
    import pandas as pd

    listed = pd.read_csv(bag / "data/documentation/data_list.csv", dtype=str, keep_default_na=False)
    released = pd.read_csv(bag / "data/release/interviews.csv", dtype=str, keep_default_na=False)
    assert sorted(listed["pseudonym"]) == sorted(released["pseudonym"])
    assert list(listed.columns) == [
        "pseudonym",
        "month",
        "consent",
        "citation",
        "location",
        "level",
        "function",
        "posting",
        "missions",
    ]


@pytest.mark.end_to_end
def test_the_bundle_holds_no_restricted_setting_or_file(bag, project_config):
    public = yaml.safe_load((bag / "data/public/config.yaml").read_text())
    assert public["start_from"] == "release"
    settings = public["anonymisation"]
    assert {key: settings[key] for key in RESTRICTED_SETTINGS} == RESTRICTED_SETTINGS
    assert "allow_list" not in settings
    names = [p.relative_to(bag).as_posix() for p in bag.rglob("*") if p.is_file()]
    assert not [
        n for n in names if "crosswalk" in n or "anonymisation_log" in n or "restricted" in n
    ]
    import tarfile

    (snapshot,) = (bag / "data/code").glob("source-*.tar.gz")
    with tarfile.open(snapshot) as tar:
        members = tar.getnames()
    assert not any(
        m.endswith(("data/example/interviews.csv", "data/example/coding.csv")) for m in members
    )
    assert any(m.endswith("/Snakefile") for m in members)


@pytest.mark.end_to_end
def test_the_readme_says_synthetic_on_every_page_and_lists_every_exhibit(bag):
    readme = (bag / "data/README.md").read_text()
    assert readme.startswith("> **SYNTHETIC EXAMPLE DATA")
    for heading in (
        "Data Availability and Provenance",
        "Computational requirements",
        "Instructions to replicators",
        "List of tables and figures",
    ):
        assert heading.lower() in readme.lower(), heading
    assert "tbl-factors" in readme and "rule tabulate_factors" in readme
    assert "make verify DEPOSIT=" in readme
    assert "seconds" not in readme and "writes the times to `REPLICATION.md`" in readme
    assert "https://doi.org/10.1177/00220027211068897" in readme
    pdf = read_pdf(bag / "data/README.pdf")
    assert all(BANNER_START in page for page in pdf.pages)


@pytest.mark.end_to_end
def test_two_runs_make_byte_identical_zips_within_the_size_limit(example_runs, bag):
    zips = [sorted((root / "results/deposit").glob("*-zip/*.zip")) for root in example_runs]
    assert len(zips[0]) == 1
    digests = [hashlib.sha256(z[0].read_bytes()).hexdigest() for z in zips]
    assert digests[0] == digests[1]
    assert zips[0][0].stat().st_size <= 2_000_000_000
    with zipfile.ZipFile(zips[0][0]) as archive:
        assert sorted(archive.namelist()) == sorted(
            f"{bag.name}/{p.relative_to(bag).as_posix()}" for p in bag.rglob("*") if p.is_file()
        )


@pytest.mark.end_to_end
def test_the_package_lists_the_coded_release_with_its_size_and_hash(bag):
    """The REFI-QDA files are resources of the package, with their size and SHA-256, so that
    a reuser who takes them out of the bag can still check them (frictionless checks only the
    tables' contents)."""
    package = json.loads((bag / "data/datapackage.json").read_text())
    resources = {r["path"]: r for r in package["resources"]}
    for path in CODED_RELEASE.values():
        data = (bag / "data" / path).read_bytes()
        assert resources[path]["bytes"] == len(data)
        assert resources[path]["hash"] == f"sha256:{hashlib.sha256(data).hexdigest()}"
