"""Anonymisation stage: the only stage that reads confidential inputs.

It turns the validated interviews and coding into the shareable release (``data/anonymised/``),
keeps the crosswalk and the anonymisation log in restricted space, and writes a shareable report.
Everything is computed in memory, scanned for leaks, and only then written, all or nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from peacekeeping_interviews.analysis.release import RELEASED_ATTRIBUTES, tenure_bands
from peacekeeping_interviews.disclosure import (
    DisclosureResult,
    calendar_hierarchy,
    masked_counts,
    protect,
)
from peacekeeping_interviews.files import (
    csv_text,
    json_text,
    read_yaml,
    spreadsheet_safe,
    write_all_or_nothing,
)
from peacekeeping_interviews.masking import mask
from peacekeeping_interviews.problems import CONFIG_FILE, Problem
from peacekeeping_interviews.restricted.allow_list import allow_list
from peacekeeping_interviews.restricted.anonymisation_report import (
    anonymisation_summary,
    report_markdown,
)
from peacekeeping_interviews.restricted.confidential_source import ConfidentialSource
from peacekeeping_interviews.restricted.leak_scan import LeakError, scan_text
from peacekeeping_interviews.restricted.normalised_text import normalise, word_text
from peacekeeping_interviews.restricted.pseudonymisation import pseudonym_key, restricted_key
from peacekeeping_interviews.restricted.restricted_strings import (
    Restricted,
    RestrictedIndex,
    RestrictedStrings,
)
from peacekeeping_interviews.restricted.scrub import (
    CITY,
    CITY_REPLACEMENT,
    INTERVIEWEE_REPLACEMENT,
    ExcerptScrubber,
    RestrictedName,
    comparable_name,
    name_variants,
)
from peacekeeping_interviews.restricted.validation import ValidatedInputs, load_validated
from peacekeeping_interviews.spans import POSITION_COLUMNS
from peacekeeping_interviews.stage_outputs import AnonymisationOutputs
from peacekeeping_interviews.vocabulary import WITHHELD

PSEUDONYM_HEX_DIGITS = 10
NON_NAMED_INTERVIEWEE = "non-named interviewee's name"


@dataclass(frozen=True)
class Release:
    """Everything the stage produces, before anything is written."""

    interviews: pd.DataFrame
    coding: pd.DataFrame
    crosswalk: pd.DataFrame
    log: pd.DataFrame
    disclosure: DisclosureResult
    restricted: RestrictedStrings
    restricted_index: RestrictedIndex
    mission_counts: pd.DataFrame
    attributes: pd.DataFrame  # the released attributes before disclosure control (restricted)


def pseudonymise(interview_ids: pd.Series, key: bytes, prefix: str) -> pd.Series:
    """Stable pseudonyms: HMAC-SHA256 of the interview id under the secret key, truncated.

    Keyed, so nobody without the key can recompute a pseudonym from an id; never a hash of a name.
    """
    digests = [
        hmac.new(key, str(i).encode("utf-8"), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX_DIGITS]
        for i in interview_ids
    ]
    pseudonyms = pd.Series([f"{prefix}-{d}" for d in digests], index=interview_ids.index)
    if pseudonyms.duplicated().any():
        raise RuntimeError("two interview ids share a pseudonym; lengthen PSEUDONYM_HEX_DIGITS")
    return pseudonyms


def collection_order(interviews: pd.DataFrame) -> pd.Series:
    """1-based order in which the interviews were conducted: by date as recorded, then by
    interview id. A date recorded only to the month (``2019-07``) comes before the days of that
    month; interviews on the same day follow their ids.

    Released as it is, the order is safe because no date is released finer than the month (or the
    coarser unit disclosure control chooses for every row), named interviews' included, and the
    month is never withheld cell by cell: neighbours in the order cannot narrow a date below its
    released unit.
    """
    keys = interviews[["date", "interview_id"]]
    ranked = keys.sort_values(["date", "interview_id"], kind="stable").index
    return pd.Series(np.arange(1, len(ranked) + 1), index=ranked).reindex(interviews.index)


def indefinite_article(phrase: str) -> str:
    """``a`` or ``an`` by sound; acronyms go by their first letter ("an NGO", "a UN official")."""
    first = phrase.split(" ", 1)[0]
    if first.isupper() and len(first) > 1:
        return "an" if first[0] in "AEFHILMNORSX" else "a"
    return "an" if first[:1].lower() in "aeiou" else "a"


def citations(interviews: pd.DataFrame, released_descriptors: pd.Series) -> pd.Series:
    """How each interview is cited: by name and role where named, by its released descriptor
    (which disclosure control may have generalised or withheld), else as an anonymous source."""
    has_descriptor = ~released_descriptors.isin(["", WITHHELD])
    by_descriptor = released_descriptors.map(lambda d: f"{indefinite_article(d)} {d}")
    by_name = interviews["name"] + ", " + interviews["public_role"]
    return pd.Series(
        np.select(
            [interviews["consent"] == "named", has_descriptor],
            [by_name, by_descriptor],
            default="an anonymous source",
        ),
        index=interviews.index,
    )


def released_attributes(interviews: pd.DataFrame, tenure_band_edges: list[float]) -> pd.DataFrame:
    """Every attribute the release publishes about an interview, in the form it is published
    before disclosure control: the month for the date, ``in_person``/``remote`` for a non-named
    interview's city, the descriptor for ``descriptor`` interviews only, and the band for the years
    at the duty station. Its columns are :data:`RELEASED_ATTRIBUTES`."""
    named = interviews["consent"] == "named"
    in_person = np.where(interviews["location"].str.casefold() == "remote", "remote", "in_person")
    return pd.DataFrame(
        {
            "month": interviews["date"].str[:7],
            "consent": interviews["consent"],
            "descriptor": interviews["descriptor"].where(interviews["consent"] == "descriptor", ""),
            "location": interviews["location"].where(
                named, pd.Series(in_person, index=named.index)
            ),
            "status": interviews["status"],
            "level": interviews["level"],
            "function": interviews["function"],
            "posting": interviews["posting"],
            "missions": interviews["missions"],
            "region_of_origin": interviews["region_of_origin"],
            "tenure_band": tenure_bands(interviews["years_at_duty_station"], tenure_band_edges),
        }
    )[list(RELEASED_ATTRIBUTES)]


def quasi_identifiers(settings: Mapping) -> list[str]:
    """Every released attribute except those the study config declares non-identifying (each
    with its reason, ``anonymisation.non_identifying``)."""
    declared = {entry["column"] for entry in settings["non_identifying"]}
    return [column for column in RELEASED_ATTRIBUTES if column not in declared]


def priority_weights(priorities: Sequence[str]) -> dict[str, float]:
    """The i-th of n listed attributes weighs 2^(n-i) cells of an unlisted one, each twice the
    next: the search gives up detail in the first listed last."""
    return {column: 2.0 ** (len(priorities) - i) for i, column in enumerate(priorities)}


def release_interviews(
    interviews: pd.DataFrame,
    attributes: pd.DataFrame,
    pseudonyms: pd.Series,
    disclosure: DisclosureResult,
    synthetic: bool,
) -> pd.DataFrame:
    """The shareable interview table: identification only where consent allows it, the
    attributes after disclosure control, and each interview cited as what is left allows."""
    named = interviews["consent"] == "named"
    released = attributes.copy()
    for column in disclosure.table.columns:
        released[column] = disclosure.table[column]
    table = pd.DataFrame(
        {
            "pseudonym": pseudonyms,
            "collection_order": collection_order(interviews),
            "month": released["month"],
            "consent": released["consent"],
            "name": interviews["name"].where(named, ""),
            "public_role": interviews["public_role"].where(named, ""),
            "descriptor": released["descriptor"],
            "citation": citations(interviews, released["descriptor"]),
            **{
                c: released[c]
                for c in RELEASED_ATTRIBUTES
                if c not in ("month", "consent", "descriptor")
            },
            "synthetic": "true" if synthetic else "false",
        }
    )
    return table.sort_values("collection_order").reset_index(drop=True)


def mission_counts(missions: pd.Series, k_min: int) -> pd.DataFrame:
    """Interviews per mission, with small counts masked: the public aggregate of a column the
    interview table may withhold.

    Multi-mission careers stay unique even after generalisation, so the row-level ``missions``
    column is usually withheld; counts per mission are what later stages (Figure 1's exclusions,
    the sample description) need, and only this stage can compute them. ``missions`` holds
    ``;``-separated names; an interviewee counts once for each mission they served in.
    """
    served = missions[missions != ""].str.split(";").explode()
    counts = served.value_counts().sort_index()
    return pd.DataFrame(
        {"mission": counts.index.astype(str), "interviews": masked_counts(counts, k_min).values}
    )


def input_cell(table: str, index: int, column: str) -> str:
    """Where a value of a validated input came from, as reports name it. Validated tables keep
    the file's rows in order, indexed from 0, so row ``index + 1`` is the file's data row."""
    return f"inputs.{table} row {index + 1}, column {column}"


def sensitive_name_source(position: int) -> str:
    return f"anonymisation.sensitive_names[{position}]"


def restricted_names(
    interviews: pd.DataFrame, settings: Mapping, interviewee_kind: str = "interviewee name"
) -> list[RestrictedName]:
    """Every interviewee's name (scrubbed from excerpts whatever the consent tier) and the
    configured sensitive names, each with where it was given."""
    names = [
        RestrictedName(
            name, INTERVIEWEE_REPLACEMENT, interviewee_kind, input_cell("interviews", i, "name")
        )
        for i, name in interviews["name"].items()
        if name
    ]
    names += [
        RestrictedName(
            entry["name"], entry["replacement"], "sensitive name", sensitive_name_source(position)
        )
        for position, entry in enumerate(settings["sensitive_names"])
    ]
    return names


def excerpt_scrubber(
    interviews: pd.DataFrame, settings: Mapping, date_resolution: int = 0
) -> ExcerptScrubber:
    """The scrub of every excerpt: restricted names, full dates (no finer than
    ``date_resolution``, the level of the released month) and the city of every non-named
    interview, replaced by its descriptor in ``anonymisation.place_descriptors`` (or
    ``[a city]``), all in every excerpt.

    A city is replaced in every interview's excerpts, not only its own interview's: there its
    descriptor would say where that interview was held ("Here in [a European capital]" beside a
    row whose location is withheld), and other interviews would still name the city."""
    descriptors = {
        comparable_name(city): descriptor
        for city, descriptor in settings.get("place_descriptors", {}).items()
    }
    places = [
        RestrictedName(
            city,
            descriptors.get(comparable_name(city), CITY_REPLACEMENT),
            CITY,
            input_cell("interviews", i, "location"),
        )
        for i, city in interviews["location"].items()
        if interviews.at[i, "consent"] != "named" and city and city.casefold() != "remote"
    ]
    return ExcerptScrubber(
        restricted_names(interviews, settings),
        places,
        allow_list(settings).excerpts,
        date_resolution,
    )


def sensitive_name_collisions(
    interviews: pd.DataFrame, sensitive_names: Sequence[Mapping]
) -> list[Problem]:
    """Sensitive names (``anonymisation.sensitive_names``) that are also a named interviewee's
    name, or their surname alone, compared as
    :func:`~peacekeeping_interviews.restricted.scrub.comparable_name` compares names.

    A named interviewee's name is published, so the leak scan must leave it alone and cannot look
    for a sensitive name spelt the same; and the scrub cannot tell the two people apart in an
    excerpt. A start-up check: the value is masked, since the problem goes to public logs.
    """
    named = interviews.loc[interviews["consent"] == "named", "name"]
    published: dict[str, int] = {}
    for index, name in named.items():
        for variant in name_variants(name):
            published.setdefault(comparable_name(variant), index)
    problems = []
    for position, entry in enumerate(sensitive_names):
        index = published.get(comparable_name(entry["name"]))
        if index is not None:
            problems.append(
                Problem(
                    CONFIG_FILE,
                    f"{sensitive_name_source(position)}.name",
                    None,
                    mask(entry["name"], "sensitive name"),
                    "a name no named interviewee has; it is spelt as the name (or surname) of "
                    f"the named interviewee at {input_cell('interviews', index, 'name')}. "
                    "If they are the same person, remove the entry; if not, write the name "
                    "as the excerpts give it in full, so that it differs",
                )
            )
    return problems


def release_coding(
    coding: pd.DataFrame,
    pseudonyms_by_id: Mapping[str, str],
    scrubber: ExcerptScrubber,
    release_excerpts: bool,
    synthetic: bool,
    release_positions: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The shareable coding table and the log of every excerpt replacement; the coders' spans
    (:data:`~peacekeeping_interviews.spans.POSITION_COLUMNS`) as the coding has them, or empty."""
    released_excerpts, log_rows = [], []
    for row in coding.itertuples(index=False):
        text, replacements = scrubber.scrub(row.excerpt, row.interview_id, row.segment)
        for made in replacements:
            log_rows.append(
                (
                    row.interview_id,
                    row.segment,
                    row.coder,
                    made.kind,
                    made.original,
                    made.replacement,
                )
            )
        if text and not release_excerpts:
            log_rows.append(
                (
                    row.interview_id,
                    row.segment,
                    row.coder,
                    "excerpt withheld",
                    "(whole excerpt)",
                    "",
                )
            )
            text = ""
        released_excerpts.append(text)
    table = pd.DataFrame(
        {
            "pseudonym": coding["interview_id"].map(pseudonyms_by_id),
            "segment": coding["segment"],
            "coder": coding["coder"],
            "code": coding["code"],
            "direction": coding["direction"],
            "excerpt": released_excerpts,
            **{
                column: coding[column] if release_positions else pd.NA
                for column in POSITION_COLUMNS
            },
            "synthetic": "true" if synthetic else "false",
        }
    )
    table = table.sort_values(["pseudonym", "segment", "coder"], kind="stable")
    log = pd.DataFrame(
        log_rows,
        columns=["interview_id", "segment", "coder", "action", "original", "replacement"],
    )
    return table.reset_index(drop=True), log


def restricted_index(
    validated: ValidatedInputs,
    pseudonyms: pd.Series,
    released_coding: pd.DataFrame,
    settings: Mapping,
    binding: str = "",
) -> RestrictedIndex:
    """The strings the leak scans look for (see
    :mod:`peacekeeping_interviews.restricted.restricted_strings`), each with the input cell or
    config entry that makes it restricted; the key apart."""
    interviews, coding = validated.interviews, validated.coding
    named = interviews["consent"] == "named"
    released = dict(
        zip(
            zip(released_coding["pseudonym"], released_coding["segment"], released_coding["coder"]),
            released_coding["excerpt"],
        )
    )
    pseudonym_by_id = dict(zip(interviews["interview_id"], pseudonyms))
    allowances = allow_list(settings)
    allowed: dict[str, tuple[str, ...]] = {}
    for occurrence in allowances.excerpts:
        excerpts = [
            normalise(excerpt)
            for (pseudonym, segment, _), excerpt in released.items()
            if (pseudonym, segment)
            == (pseudonym_by_id.get(occurrence.interview_id), occurrence.segment)
        ]
        word = word_text(occurrence.word)
        allowed[word] = (*allowed.get(word, ()), *excerpts)
    changed: dict[str, Restricted] = {}
    for row in coding.itertuples():
        if (
            row.excerpt
            and released[(pseudonym_by_id[row.interview_id], row.segment, row.coder)] != row.excerpt
        ):
            changed.setdefault(
                normalise(row.excerpt),
                Restricted(
                    row.excerpt, "unscrubbed excerpt", input_cell("coding", row.Index, "excerpt")
                ),
            )
    details = {
        pseudonyms[i]: tuple(
            Restricted(value, kind, input_cell("interviews", i, column))
            for value, kind, column in (
                (
                    interviews.at[i, "date"] if len(interviews.at[i, "date"]) == 10 else "",
                    "full date of a non-named interview",
                    "date",
                ),
                (
                    ""
                    if interviews.at[i, "location"].casefold() == "remote"
                    else interviews.at[i, "location"],
                    CITY,
                    "location",
                ),
            )
            if value
        )
        for i in interviews.index[~named]
    }
    return RestrictedIndex(
        synthetic=validated.synthetic,
        names=tuple(
            Restricted(entry.name, entry.kind, entry.source)
            for entry in restricted_names(interviews.loc[~named], settings, NON_NAMED_INTERVIEWEE)
        ),
        published_names=tuple(interviews.loc[named, "name"]),
        raw_ids=tuple(
            Restricted(
                interview_id, "raw interview id", input_cell("interviews", i, "interview_id")
            )
            for i, interview_id in interviews["interview_id"].items()
        ),
        notes=tuple(
            Restricted(note, "interviewer's notes", input_cell("interviews", i, "notes"))
            for i, note in interviews["notes"].items()
        ),
        excerpts=tuple(changed.values()),
        pseudonym_pattern=(
            rf"{re.escape(settings['pseudonym_prefix'])}-[0-9a-f]{{{PSEUDONYM_HEX_DIGITS}}}"
        ),
        details_by_pseudonym=details,
        allowed=allowed,
        allowed_in_files=allowances.files,
        binding=binding,
    )


def anonymise_interviews(
    validated: ValidatedInputs, settings: Mapping, key: bytes, binding: str = ""
) -> Release:
    """Pseudonymise, apply disclosure control, scrub excerpts: the release, in memory, with the
    restricted-string index (``binding`` says what it is of, :func:`index_binding`)."""
    interviews = validated.interviews
    pseudonyms = pseudonymise(interviews["interview_id"], key, settings["pseudonym_prefix"])
    attributes = released_attributes(interviews, settings["tenure_band_edges"])
    disclosure = protect(
        attributes,
        is_named=interviews["consent"] == "named",
        quasi_identifiers=quasi_identifiers(settings),
        hierarchies={"month": calendar_hierarchy(attributes["month"]), **settings["hierarchies"]},
        k_min=settings["k_min"],
        max_suppression=settings["max_suppression"],
        fixed=["month"],
        kept_for_named=["consent", "location"],
        weights=priority_weights(settings["priorities"]),
    )
    released_interviews = release_interviews(
        interviews, attributes, pseudonyms, disclosure, validated.synthetic
    )
    scrubber = excerpt_scrubber(interviews, settings, disclosure.levels.get("month", 0))
    released_coding, log = release_coding(
        validated.coding,
        dict(zip(interviews["interview_id"], pseudonyms)),
        scrubber,
        settings["release_excerpts"],
        validated.synthetic,
        settings.get("release_positions", True),
    )
    crosswalk = pd.DataFrame({"interview_id": interviews["interview_id"], "pseudonym": pseudonyms})
    index = restricted_index(validated, pseudonyms, released_coding, settings, binding)
    return Release(
        interviews=released_interviews,
        coding=released_coding,
        crosswalk=crosswalk.sort_values("interview_id").reset_index(drop=True),
        log=log,
        disclosure=disclosure,
        restricted=index.search(restricted_key(key, settings)),
        restricted_index=index,
        mission_counts=mission_counts(interviews["missions"], settings["k_min"]),
        attributes=attributes,
    )


def check_release_columns(table: pd.DataFrame, schema: Mapping, file: str) -> None:
    """Refuse to write a column the public schema does not list (a programming error)."""
    allowed = [f["name"] for f in schema["fields"]]
    if list(table.columns) != allowed:
        raise RuntimeError(
            f"{file}: columns {list(table.columns)} differ from the public schema {allowed}"
        )


@dataclass(frozen=True)
class ConfidentialInputs:
    """The restricted inputs and the settings that turn them into a release: what the
    anonymisation stage starts from. In a workflow run the inputs were validated once, at
    start-up, and the stage trusts that product when it is of these very inputs."""

    interviews: Path | None
    coding: Path | None
    codebook: Path
    schema_dir: Path
    settings: Mapping
    latest_interview_date: str
    # The start-up check's validated inputs (validation.keep_validated) and the package source
    # they were checked with; without them, the inputs are validated here.
    validated: Path | None = None
    package_dir: Path | None = None
    # What the index is of (restricted_strings.index_binding), computed by the workflow at start-up.
    index_binding: str = ""
    # A REFI-QDA project in place of the two CSV files, and the config's mapping of it.
    qdpx: Path | None = None
    refi_qda: Mapping = field(default_factory=dict)

    def anonymise(self, environ: Mapping[str, str]) -> tuple[ValidatedInputs, Release, str]:
        """Read the validated inputs, choose the key, and build the release in memory (nothing is
        written)."""
        validated = self.validated_inputs()
        key, key_source = pseudonym_key(self.settings, validated.synthetic, environ)
        release = anonymise_interviews(validated, self.settings, key, self.index_binding)
        return validated, release, key_source

    def validated_inputs(self) -> ValidatedInputs:
        """The start-up check's product when there is one (refused if the inputs, schemas or
        code changed since), else the inputs validated now."""
        checked = (self.codebook, self.schema_dir, self.latest_interview_date)
        if self.validated is None or self.package_dir is None:
            return self.source.validate(*checked)
        return load_validated(self.validated, self.source.digest(*checked, self.package_dir))

    @property
    def source(self) -> ConfidentialSource:
        return ConfidentialSource(self.interviews, self.coding, self.qdpx, self.refi_qda)


def run_anonymisation(
    inputs: ConfidentialInputs,
    outputs: AnonymisationOutputs,
    environ: Mapping[str, str] = os.environ,
) -> dict:
    """Validate, anonymise, scan the public outputs for leaks, then write everything or nothing."""
    validated, release, key_source = inputs.anonymise(environ)
    schema_dir = Path(inputs.schema_dir)
    check_release_columns(
        release.interviews,
        read_yaml(schema_dir / "anonymised_interviews.table.yaml"),
        str(outputs.interviews),
    )
    check_release_columns(
        release.coding, read_yaml(schema_dir / "anonymised_coding.table.yaml"), str(outputs.coding)
    )
    check_release_columns(
        release.mission_counts,
        read_yaml(schema_dir / "anonymised_mission_counts.table.yaml"),
        str(outputs.mission_counts),
    )
    public = {
        outputs.interviews: csv_text(spreadsheet_safe(release.interviews)),
        outputs.coding: csv_text(spreadsheet_safe(release.coding)),
        outputs.mission_counts: csv_text(spreadsheet_safe(release.mission_counts)),
    }
    summary = anonymisation_summary(
        validated,
        release,
        inputs.settings,
        key_source,
        [str(p) for p in [*public, outputs.report, outputs.summary]],
    )
    public[outputs.report] = report_markdown(summary)
    public[outputs.summary] = json_text(summary)
    leaks = [
        leak
        for path, text in public.items()
        for leak in scan_text(text, str(path), release.restricted)
    ]
    if leaks:
        raise LeakError(leaks)
    write_all_or_nothing(
        {
            **public,
            outputs.crosswalk: csv_text(release.crosswalk),
            outputs.log: csv_text(release.log),
            outputs.restricted_strings: release.restricted_index.text(),
        }
    )
    return summary
