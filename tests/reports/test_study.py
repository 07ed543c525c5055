"""The study record the documents read: what config.yaml's study section says, on one line."""

import json

from peacekeeping_interviews.reports.study import describe_study, write_study_description


def test_study_record_has_the_byline_abstract_and_related_publication(project_config):
    study = project_config["study"]
    record = describe_study(study)
    assert record["title"] == study["title"]
    assert record["authors"][0] == "Kseniya Oksamytna" and len(record["authors"]) == 4
    assert "\n" not in record["abstract"] and record["abstract"].startswith("Metadata and coded")
    assert record["paper"]["title"] == study["paper"]["title"] != record["title"]
    assert "\n" not in record["paper"]["abstract"]
    assert record["paper"]["abstract"] == " ".join(study["paper"]["abstract"].split())
    assert record["related_publication"]["doi"] == study["related_publication"]["doi"]
    assert "\n" not in record["related_publication"]["citation"]
    assert record["publisher"] == study["publisher"]


def test_study_record_is_written_whole(project_config, tmp_path):
    study = {**project_config["study"], "title": "Another  study\n of officials"}
    written = write_study_description(study, tmp_path / "results/study/study.json")
    assert json.loads((tmp_path / "results/study/study.json").read_text()) == written
    assert written["title"] == "Another study of officials"
