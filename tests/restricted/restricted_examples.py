"""Restricted strings of every kind, shared by the leak scan's tests: the evasion corpus's names,
date and city, an id, a note, an excerpt and a key, and fragments of lines built from them."""

import re
from dataclasses import replace

from conftest import EVASIONS

from peacekeeping_interviews.masking import KEY
from peacekeeping_interviews.restricted.restricted_strings import (
    Restricted,
    RestrictedStrings,
    SubstringSearch,
    id_search,
    name_search,
    notes_search,
)

EXCERPT = "They worried the minister would end the mission."
COMMA_EXCERPT = "We left, then the mission came back."

NON_NAMED = "non-named interviewee's name"
CORPUS_RESTRICTED = RestrictedStrings(
    names=name_search(
        [
            Restricted(name, NON_NAMED, f"row {row}")
            for row, name in enumerate(EVASIONS["restricted_names"], start=1)
        ],
        published=EVASIONS["published_names"],
    ),
    raw_ids=id_search([]),
    notes=notes_search([]),
    excerpts={},
    secrets=SubstringSearch({}),
    pseudonym_pattern=re.compile(r"P-[0-9a-f]{10}"),
    details_by_pseudonym={
        "P-0123456789": (
            Restricted(EVASIONS["interview"]["date"], "full date", "row 9, date"),
            Restricted(EVASIONS["interview"]["city"], "city", "row 9, location"),
        )
    },
)


EVERY_KIND = replace(
    CORPUS_RESTRICTED,
    raw_ids=id_search([Restricted("REF-0002", "raw interview id", "row 2, id")]),
    notes=notes_search([Restricted("Asked not to be quoted by section", "notes", "row 2")]),
    excerpts={
        EXCERPT.casefold(): Restricted(EXCERPT, "unscrubbed excerpt", "coding row 4"),
        COMMA_EXCERPT.casefold(): Restricted(COMMA_EXCERPT, "unscrubbed excerpt", "coding row 5"),
    },
    secrets=SubstringSearch({"s3cret-key-value": Restricted("s3cret-key-value", KEY, "env")}),
)
FRAGMENTS = [
    *(case["text"] for case in EVASIONS["names"]),
    *EVASIONS["harmless"],
    *(case["written"] for case in EVASIONS["dates_and_cities"]),
    *(case["coarse"] for case in EVASIONS["dates_and_cities"]),
    "P-0123456789",
    "P-aaaaaaaaaa",
    "R-E-F-0002",
    "ref_2",
    "2019-Q3",
    "asked NOT to be quoted\u200b by section",
    "Asked not to be quoted by section",
    "s3cret-key-value",
    EXCERPT,
    COMMA_EXCERPT,
    f"x,{EXCERPT.lower()},y",
    f"x\t{EXCERPT}\ty",
    f'"{EXCERPT.upper()}"',
    "S3CR\u0415T-KEY-VALUE",
]
