"""A study's own config: written from a documented starting point, refused until it is filled in.

``peacekeeping-interviews new-study DIR`` writes ``DIR/config.yaml`` from the project's config
(every research parameter, documented in ``config/README.md``) with every value that only the
study can supply replaced by a placeholder (``FILL IN: …``), and copies the chosen codebook
beside it. The start-up check refuses a config that still holds a placeholder, naming each key.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import jsonschema
import yaml

from peacekeeping_interviews.deposit_layout import LAYOUT
from peacekeeping_interviews.files import read_yaml
from peacekeeping_interviews.problems import CONFIG_FILE, InputError, Problem

PLACEHOLDER = "FILL IN"
# Text that marks a value as not written yet (the identifier may say so until the DOI exists).
UNFINISHED = re.compile(
    r"\b(?:TODO|TBD|FIXME|XXX)\b|\bto be (?:completed|added|confirmed|decided|written)\b"
    r"|\bplaceholder\b|lorem ipsum",
    re.IGNORECASE,
)
SYNTHETIC_LABEL = re.compile(r"\bsynthetic\b|\bexample data\b", re.IGNORECASE)
REAL_TEXT = (
    "the study's own text, not a placeholder: the data are real and the deposit publishes it"
)
REAL_TITLE = (
    "a title that does not call the data synthetic or example data: the interviews are not "
    "flagged synthetic (the deposit labels synthetic data itself)"
)
REQUIRED = (
    "a value: every key is required and none is taken from config/config.yaml (config/README.md)"
)
# Keys whose values belong to one study, with what the user must put there.
STUDY_VALUES: dict[tuple[str, ...], object] = {
    ("inputs", "interviews"): "path to the interviews table (confidential; keep it out of git)",
    ("inputs", "coding"): "path to the coded segments table (confidential)",
    ("inputs", "mandates"): "path to a PEMA release as downloaded (a CSV file)",
    ("latest_interview_date",): "the last interview's date, YYYY-MM-DD",
    ("study", "title"): "the data collection's title",
    ("study", "slug"): "a short lower-case name for the deposit folder, e.g. my-study",
    ("study", "abstract"): "what the data are, in a few sentences",
    ("study", "paper"): {
        "title": "the paper's title",
        "abstract": "what the paper asks, does and finds, in a few sentences",
    },
    ("study", "publisher"): "the archive that will publish the deposit, e.g. UK Data Service",
    ("study", "identifier"): "the deposit's DOI, or a note that the archive will assign it",
    ("study", "keywords"): ["keywords"],
    ("study", "creators"): [{"family_name": "family name", "given_name": "given name"}],
    ("study", "funder"): {
        "name": "funder",
        "identifier": "funder identifier (a Crossref Funder ID URL)",
        "grant": "grant number",
        "grant_title": "grant title",
    },
    ("study", "related_publication"): {
        "citation": "the publication the data support",
        "doi": "its DOI, e.g. 10.1093/isq/sqad099",
    },
    ("anonymisation", "sensitive_names"): [],
}


# Settings of the anonymisation stage that are themselves confidential: the names the scrub
# replaces, the cities of non-named interviews (keys of place_descriptors) and where the
# restricted allow-list lives. Neither Snakemake's metadata nor the deposit may hold them.
RESTRICTED_SETTINGS = ("sensitive_names", "place_descriptors", "allow_list")


def recorded_config(config: Mapping) -> dict:
    """The config as a rule's ``params`` may hold it.

    Snakemake keeps every param of every job in ``.snakemake/metadata``, outside restricted
    space, so the :data:`RESTRICTED_SETTINGS` are there only as a SHA-256 digest: a change to them
    still changes the params and re-runs the rules that use them, whose scripts read the settings
    from the config itself (``snakemake.config``)."""
    recorded = copy.deepcopy(dict(config))
    anonymisation = recorded["anonymisation"]
    for key in RESTRICTED_SETTINGS:
        if key in anonymisation:
            value = json.dumps(anonymisation[key], sort_keys=True)
            anonymisation[key] = hashlib.sha256(value.encode()).hexdigest()
    return recorded


# The inputs that hold confidential material: the two tables, or the QDA project they come from.
CONFIDENTIAL_INPUTS = ("interviews", "coding", "qdpx")


def confidential_input_paths(config: Mapping) -> list[str]:
    """The config's confidential input files (never in a deposit or its code snapshot)."""
    return [config["inputs"][key] for key in CONFIDENTIAL_INPUTS if key in config["inputs"]]


def public_config(config: Mapping) -> dict:
    """The run's config as a reviewer reruns it: inputs pointing into the deposit, and no restricted
    setting: not the confidential files' places, the names the scrub replaces, the key's
    location, the cities of non-named interviews (``place_descriptors`` is keyed by them), the
    case-variable values a QDA mapping translates (``refi_qda.values`` may spell out places or
    roles as the interviews hold them) or the allow-list's place (optional, so left out). A run
    from the release reads none of them, and the result still matches the
    config schema."""
    public = copy.deepcopy(dict(config))
    public["start_from"] = "release"
    public["inputs"]["mandates"] = f"{LAYOUT['public']}/mandates.csv"
    public["inputs"]["codebook"] = f"{LAYOUT['public']}/codebook.yaml"
    for key in CONFIDENTIAL_INPUTS:
        if key in public["inputs"]:
            public["inputs"][key] = "not deposited (confidential)"
    if "refi_qda" in public:
        public["refi_qda"]["values"] = {}
    anonymisation = public["anonymisation"]
    anonymisation["key_file"] = "not deposited (restricted)"
    for key in RESTRICTED_SETTINGS:
        anonymisation.pop(key, None)
    anonymisation.update(sensitive_names=[], place_descriptors={})
    return public


def public_config_text(config: Mapping) -> str:
    """:func:`public_config` as the release's ``config.yaml``; loading and writing it again gives
    the same bytes, so a rerun from the deposit reads the very file the authors' run wrote."""
    return yaml.safe_dump(public_config(config), sort_keys=False, allow_unicode=True)


def texts(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (dotted key path, text) of a config or a section of it."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from texts(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from texts(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


def placeholders(config: Mapping) -> Iterator[tuple[str, str]]:
    """Every (key path, text) in a config whose text is still a placeholder."""
    return ((path, text) for path, text in texts(config) if text.startswith(PLACEHOLDER))


def creator_name(creator: Mapping) -> str:
    return f"{creator['family_name']}, {creator['given_name']}"


def unfinished_metadata_problems(study: Mapping, synthetic: bool) -> list[Problem]:
    """What the deposit would publish about real data that is not yet true of them.

    For data not flagged synthetic: a text that reads as unfinished (``TODO``, ``to be
    completed``, ``placeholder``…; the identifier alone may say the DOI is still to be assigned,
    since the archive mints it on publication, after the bag is built), a title that calls the
    data (or the paper) synthetic or example data (the deposit and documents add that label
    themselves when they are), and a
    creator without an affiliation (the example config leaves them to be added before a deposit).
    ``study`` is the config's ``study`` section, ``synthetic`` the interviews' flag."""
    if synthetic:
        return []
    paper_title = study["paper"]["title"]
    problems = [
        Problem(CONFIG_FILE, path, None, text, REAL_TEXT)
        for path, text in texts(study, "study")
        if path != "study.identifier" and UNFINISHED.search(text)
    ]
    problems += [
        Problem(CONFIG_FILE, path, None, title, REAL_TITLE)
        for path, title in (("study.title", study["title"]), ("study.paper.title", paper_title))
        if SYNTHETIC_LABEL.search(title)
    ]
    problems += [
        Problem(
            CONFIG_FILE,
            f"study.creators[{index}].affiliation",
            None,
            creator_name(creator),
            "the creator's institution: the deposit's README and DataCite record give it; "
            "add it before depositing real data",
        )
        for index, creator in enumerate(study["creators"])
        if not creator.get("affiliation")
    ]
    return problems


def placeholder_problems(config: Mapping) -> list[Problem]:
    """One problem per value the study has not supplied yet."""
    return [
        Problem(CONFIG_FILE, path, None, text, "this study's own value (see config/README.md)")
        for path, text in placeholders(config)
    ]


def check_config(config: Mapping, schema_path: Path) -> None:
    """Refuse a config that still holds placeholders or breaks its schema, naming every key.

    The schema's ``default`` values are documentation only: nothing is filled in, so a key a
    study config leaves out is an error rather than a value silently taken from elsewhere."""
    problems = placeholder_problems(config)
    unfilled = {problem.row for problem in problems}
    problems += [
        problem
        for problem in schema_problems(config, read_yaml(Path(schema_path)))
        if problem.row not in unfilled
    ]
    if problems:
        raise InputError(problems)


def schema_problems(config: Mapping, schema: Mapping) -> list[Problem]:
    """Every violation of the config schema, with the dotted key and the schema's description."""
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.path))):
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.path)
        missing = re.fullmatch(r"'(.+)' is a required property", error.message)
        if error.validator == "required" and missing:
            where, value, expected = f"{path}.{missing[1]}", None, REQUIRED
        else:
            described = error.schema.get("description") if isinstance(error.schema, dict) else None
            where, value = path, _shown(error.instance)
            expected = error.message if described is None else f"{error.message} ({described})"
        problems.append(
            Problem(CONFIG_FILE, where.lstrip(".") or "top level", None, value, expected)
        )
    return problems


def _shown(value: object) -> object:
    """A value short enough for a message (a whole section is named, not printed)."""
    if isinstance(value, Mapping):
        return f"a section with keys {', '.join(map(str, value))}"
    return value


def _filled(what: object) -> object:
    if isinstance(what, str):
        return f"{PLACEHOLDER}: {what}"
    if isinstance(what, list):
        return [_filled(item) for item in what]
    if isinstance(what, dict):
        return {key: _filled(item) for key, item in what.items()}
    return what


def new_study_config(template: Mapping, codebook: str) -> dict:
    """The project's config with every study-specific value a placeholder and the codebook
    pointing at the study's own copy."""
    config = copy.deepcopy(dict(template))
    for keys, what in STUDY_VALUES.items():
        parent = config
        for key in keys[:-1]:
            parent = parent[key]
        parent[keys[-1]] = _filled(what)
    config["inputs"]["codebook"] = codebook
    config["start_from"] = "confidential"
    return config


def write_new_study(directory: Path, template: Path, codebook: Path) -> Path:
    """Write ``directory/config.yaml`` and ``directory/codebook.yaml``; refuse to overwrite."""
    directory = Path(directory)
    config_path, codebook_path = directory / "config.yaml", directory / "codebook.yaml"
    existing = [str(path) for path in (config_path, codebook_path) if path.exists()]
    if existing:
        raise FileExistsError(f"not overwriting {', '.join(existing)}")
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(codebook, codebook_path)
    config = new_study_config(
        yaml.safe_load(Path(template).read_text("utf-8")), str(codebook_path.resolve())
    )
    header = (
        "# A study config written by `peacekeeping-interviews new-study`. Replace every\n"
        f"# '{PLACEHOLDER}: …' value; the workflow refuses to start while one is left. Every key\n"
        "# is documented in config/README.md. Keep this file and the inputs it names in\n"
        "# restricted space, then run from the project folder:\n"
        f"#   snakemake --profile workflow/profiles/default --configfile {config_path}\n"
    )
    body = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)
    config_path.write_text(header + body, encoding="utf-8")
    return config_path
