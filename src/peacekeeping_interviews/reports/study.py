"""The study as the paper and the appendix describe it, from the ``study`` section of the config.

The documents may only read files the render rule declares (:mod:`report_data`), so rule
``describe_study`` writes what they say about the study to ``results/study/study.json``: the
renderer takes the paper's and appendix's title and abstract (the paper's own, not the data
collection's), authors and keywords from it, and the text names the data collection, the
related publication and the archive from it. Nothing about the study is typed in a source.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from peacekeeping_interviews.files import json_text, write_all_or_nothing


def author_name(creator: Mapping) -> str:
    """A creator as a byline gives them: given names, then family name."""
    return f"{creator['given_name']} {creator['family_name']}"


def one_line(text: str) -> str:
    """Folded YAML text on one line, so that a sentence reads the same wherever it is printed."""
    return " ".join(text.split())


def describe_study(study: Mapping) -> dict:
    """The record the documents read: ``title`` and ``abstract`` (the data collection's),
    ``paper`` (``title``, ``abstract``), ``authors`` (in citation order), ``keywords``,
    ``related_publication`` (``citation``, ``doi``), ``publisher`` and ``identifier``."""
    return {
        "title": one_line(study["title"]),
        "abstract": one_line(study["abstract"]),
        "paper": {key: one_line(study["paper"][key]) for key in ("title", "abstract")},
        "authors": [author_name(creator) for creator in study["creators"]],
        "keywords": list(study["keywords"]),
        "related_publication": {
            "citation": one_line(study["related_publication"]["citation"]),
            "doi": study["related_publication"]["doi"],
        },
        "publisher": study["publisher"],
        "identifier": study["identifier"],
    }


def write_study_description(study: Mapping, output: Path) -> dict:
    """Write :func:`describe_study` to ``output`` (or nothing) and return it."""
    record = describe_study(study)
    write_all_or_nothing({Path(output): json_text(record)})
    return record
