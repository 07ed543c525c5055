"""Seeded synthetic example data in the layout of the confidential inputs.

The real interviews are confidential, so the project ships a dataset made here instead: the same
columns and enumerations as ``interviews.csv`` and ``coding.csv``, and the shape the study reports
(about 210 interviews from July 2019 to mid-2022 with 8 SRSGs and 12 deputies, in person in
Kinshasa, New York, London and Berlin and otherwise remote, a fifth double-coded). Everything in
it is invented: names are built from made-up syllables, excerpts from sentences written for this
module, and every row carries ``synthetic=true`` so that whatever is derived from it is labelled
synthetic.

Directions follow a small logistic model whose signs are the ones the study argues (rights work and
field postings towards confrontation; mission leadership, long tenure and technical sections towards
conciliation) and whose sizes are moderate, so the analysis has something to find but not a
certainty. Code frequencies are long-tailed and the rarest themes only occur late in the fieldwork,
so saturation curves look like real ones.

All draws come from one ``numpy.random.default_rng(seed)`` and are vectorised: the same seed gives
byte-identical files, and 20,000 interviews take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from peacekeeping_interviews.codebook import Code, Codebook
from peacekeeping_interviews.files import read_yaml
from peacekeeping_interviews.vocabulary import DIRECTIONS

# The invented people excerpts mention (with their scrub descriptors) and the interviewers' notes:
# kept in a data file that the deposit also reads (see example_vocabulary.yaml).
EXAMPLE_VOCABULARY = Path(__file__).with_name("example_vocabulary.yaml")
_VOCABULARY = read_yaml(EXAMPLE_VOCABULARY)
THIRD_PARTIES = tuple((e["name"], e["replacement"]) for e in _VOCABULARY["third_parties"])
NOTES = tuple(_VOCABULARY["notes"])

DEFAULT_SEED = 20190701
DEFAULT_INTERVIEWS = 210

INTERVIEW_COLUMNS = (
    "interview_id", "date", "location", "consent", "name", "public_role", "descriptor", "status",
    "level", "function", "posting", "missions", "years_at_duty_station", "region_of_origin",
    "interviewer", "notes", "synthetic",
)  # fmt: skip
CODING_COLUMNS = ("interview_id", "segment", "coder", "code", "direction", "excerpt")

FIELDWORK_START = np.datetime64("2019-07-01")
FIELDWORK_END = np.datetime64("2022-06-30")
PANDEMIC_START = np.datetime64("2020-03-01")
TRAVEL_RESUMED = np.datetime64("2021-09-01")
# Probability of an in-person interview before the pandemic, during it, and once travel resumed.
IN_PERSON_SHARE = (0.45, 0.03, 0.12)
CITIES = {"Kinshasa": 0.35, "New York": 0.35, "London": 0.18, "Berlin": 0.12}
MONTH_ONLY_SHARE = 0.15

CONSENTS = ("named", "descriptor", "anonymous")
STATUSES = ("current", "former")
# Interviews per level in a study of 210, as the article reports for SRSGs (8) and deputies (12).
LEVELS_PER_210 = {
    "srsg": 8, "dsrsg": 12, "director": 30, "chief": 42, "officer": 62, "hq_official": 32,
    "external": 24,
}  # fmt: skip
LEADERS = ("srsg", "dsrsg")
FUNCTIONS = (
    "leadership", "political_affairs", "human_rights", "civil_affairs", "electoral",
    "rule_of_law", "security_sector_reform", "stabilization_ddr", "public_information",
    "coordination", "other",
)  # fmt: skip
TECHNICAL_FUNCTIONS = ("electoral", "security_sector_reform", "stabilization_ddr")
POSTINGS = ("un_headquarters", "mission_headquarters", "field_office", "outside_un")
REGION_SHARES = {"global_north": 0.55, "global_south": 0.40, "": 0.05}  # "": not recorded
INTERVIEWERS = ("Author A", "Author B", "Author C", "Author D")
CODERS = ("coder_a", "coder_b", "coder_c", "coder_d")

# Rows: levels in LEVELS_PER_210 order. Columns: CONSENTS, FUNCTIONS, POSTINGS, and the number of
# missions (0, 1, 2, 3). Weights, normalised per row.
CONSENT_WEIGHTS = np.array([[50, 25, 25], [45, 30, 25]] + [[18, 30, 52]] * 5, dtype=float)
FUNCTION_WEIGHTS = np.array(
    [
        [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [0, 25, 15, 10, 10, 10, 8, 8, 4, 6, 4],
        [0, 18, 18, 14, 10, 10, 8, 8, 6, 4, 4],
        [0, 14, 22, 18, 8, 8, 6, 8, 6, 4, 6],
        [0, 35, 15, 5, 5, 8, 8, 6, 3, 12, 3],
        [0, 10, 20, 5, 5, 5, 3, 3, 2, 2, 45],
    ],
    dtype=float,
)
POSTING_WEIGHTS = np.array(
    [[1, 9, 0, 0], [1, 8, 1, 0], [1, 8, 1, 0], [1, 12, 7, 0], [1, 8, 11, 0], [1, 0, 0, 0],
     [0, 0, 0, 1]],
    dtype=float,
)  # fmt: skip
MISSION_COUNT_WEIGHTS = np.array(
    [[0, 45, 35, 20], [0, 45, 35, 20], [0, 55, 30, 15], [0, 60, 30, 10], [0, 70, 25, 5],
     [40, 40, 15, 5], [15, 55, 20, 10]],
    dtype=float,
)  # fmt: skip
FORMER_SHARE = np.array([0.6, 0.5, 0.4, 0.3, 0.25, 0.3, 0.8])

# Missions in chronological order, weighted so that recent missions dominate as in the fieldwork.
MISSION_WEIGHTS = {
    "UNTAC": 0.6, "UNPROFOR": 0.8, "UNTAES": 0.7, "UNMIK": 2.0, "UNAMSIL": 2.0, "MONUC": 5.0,
    "UNMISET": 1.0, "UNMIL": 5.0, "UNOCI": 3.0, "MINUSTAH": 4.0, "UNMIS": 3.0, "UNMIT": 2.0,
    "UNAMID": 8.0, "MONUSCO": 14.0, "UNISFA": 1.5, "UNMISS": 12.0, "MINUSMA": 11.0,
    "MINUSCA": 10.0,
}  # fmt: skip

# Logistic model of P(confrontational) for an interviewee's factor and response segments.
DIRECTION_MODEL = {
    "intercept": 0.1,
    "human_rights": 0.9,
    "field_office": 0.5,
    "un_headquarters": 0.3,
    "leader": -0.9,
    "technical_function": -0.6,
    "years_over_typical": -0.08,  # per year above TYPICAL_YEARS
    "interviewee_sd": 0.4,  # spread of the interviewee-level random effect
}
TYPICAL_YEARS = 4.0
THEME_NONE_SHARE = 0.85

SEGMENTS_MIN, SEGMENTS_MAX = 4, 30
KIND_SHARES = {"factor": 0.45, "response": 0.30, "theme": 0.25}
# Zipf exponents of code frequencies within a kind. The rarest themes (the last sixth in codebook
# order) only occur after LATE_THEMES_FROM of the interviews in date order, as late-emerging
# themes would.
ZIPF_EXPONENT = {"factor": 0.6, "response": 1.0, "theme": 1.1}
LATE_THEMES_FROM = 0.6
DOUBLE_CODED_SHARE = 0.2
CODE_AGREEMENT = 0.8
DIRECTION_AGREEMENT = 0.85
OWN_INTERVIEWS_CODED = 0.7  # share of interviews whose first coder is the interviewer
EXCERPT_SHARE = 0.6
NAME_MENTION_SHARE = 0.05
NOTE_SHARE = 0.3

FIRST_NAMES = (
    "Aurelie", "Bastien", "Cosima", "Dagny", "Emeka", "Farida", "Gaspard", "Halima", "Idris",
    "Jovana", "Kofi", "Leocadia", "Mattias", "Nadia", "Oumar", "Perpetua", "Quentin", "Rania",
    "Sefa", "Tariq", "Ulla", "Vikram", "Wanjiru", "Xolani", "Yaw", "Zainab", "Anouk", "Bongani",
    "Chidera", "Desmond", "Esperanza", "Florin", "Gudrun", "Hiroko", "Ignatius", "Juno", "Kalinda",
    "Lazare", "Mirela", "Nnamdi", "Odile", "Pradeep", "Rosalind", "Soraya", "Thorvald", "Ueli",
    "Valeska", "Wilhelmina",
)  # fmt: skip
SURNAME_HEADS = (
    "Ald", "Bal", "Cor", "Dav", "Elm", "Fal", "Gar", "Hal", "Isk", "Jar", "Kel", "Lom", "Mar",
    "Nor", "Orl", "Pell", "Quor", "Rav", "Sel", "Tor", "Ulm", "Ven", "Wes", "Yar", "Zan", "Brun",
    "Cast", "Dren", "Fenn", "Grel", "Hask", "Quel", "Morv", "Oss", "Prae", "Rook", "Stav", "Thal",
    "Vask", "Wyl",
)  # fmt: skip
SURNAME_TAILS = (
    "strade", "quist", "loweth", "avine", "ember", "wyst", "ocombe", "ithers", "ouard", "ibrand",
    "arrow", "estad", "iventh", "olme", "urst", "andel", "ethorne", "isande", "obeck", "ulvane",
    "averne", "edrin", "ossan", "imara", "elund", "othay", "arique", "enwick", "idore", "ustrel",
    "anvell", "eskow", "ordane", "ilbrey", "uvard", "emmick", "astrow", "oquine", "ynhart", "ascoe",
)  # fmt: skip


DESCRIPTORS = {
    "current": ("UN official", "UN peacekeeping official", "mission official"),
    "former": ("former UN official", "former peacekeeping official", "former mission official"),
    "external": ("NGO leader and former UN official", "researcher and former UN official",
                 "diplomat"),
}  # fmt: skip
FUNCTION_TITLES = {
    "leadership": "Mission Leadership", "political_affairs": "Political Affairs",
    "human_rights": "Human Rights", "civil_affairs": "Civil Affairs",
    "electoral": "Electoral Affairs", "rule_of_law": "Rule of Law",
    "security_sector_reform": "Security Sector Reform",
    "stabilization_ddr": "Stabilization and DDR", "public_information": "Public Information",
    "coordination": "Coordination", "other": "Mission Support",
}  # fmt: skip
ROLE_TEMPLATES = {
    "srsg": "Special Representative of the Secretary-General in {mission}",
    "dsrsg": "Deputy Special Representative of the Secretary-General in {mission}",
    "director": "Director of {function} in {mission}",
    "chief": "Chief of {function} in {mission}",
    "officer": "{function} Officer in {mission}",
    "hq_official": "{function} Officer at UN Headquarters",
    "external": "NGO leader and former staff member of {mission}",
}
ROLE_WITHOUT_MISSION = "independent analyst and former UN official"

# Sentences written for this module (never quotations) that an excerpt is drawn from. Factors have
# one per direction (confrontational, conciliatory); responses and themes any number.
FACTOR_EXCERPTS = {
    "previous_experience": (
        "Coming from an advocacy background, I was never going to keep quiet about it.",
        "Years in development work taught me that results come from working with ministries.",
    ),
    "career_security": (
        "I had a permanent post to go back to, so being thrown out did not frighten me.",
        "On a short contract you think twice before saying anything that could get you sent home.",
    ),
    "length_of_service": (
        "When you have only just arrived, things that others shrug off still shock you.",
        "After so many years in the country you stop noticing what would have appalled you once.",
    ),
    "politicisation_of_work": (
        "Our job was political by definition, so friction with the government came with it.",
        "We were there to deliver a programme, and criticising the authorities was not part of it.",
    ),
    "professional_composition": (
        "Almost everyone in the section was a lawyer, and lawyers notice when rules are broken.",
        "Our team was a mix of backgrounds, and people mostly looked for ways to keep moving.",
    ),
    "type_of_interlocutors": (
        "We spent our days with families of victims, and that changes how you see the government.",
        "Our counterparts were the ministers themselves, and we needed them every single week.",
    ),
    "place_in_hierarchy": (
        "At my level nobody expected me to manage the relationship with the presidency.",
        "As a mission leader you carry the relationship with the head of state on your shoulders.",
    ),
    "relations_with_other_entities": (
        "Because we also reported to Geneva, we could say things the mission could not.",
        "Everything went through the mission's chain of command, and that set the tone.",
    ),
    "position_vis_a_vis_host": (
        "Out in the field office the abuses were happening a few kilometres from our compound.",
        "In the capital you have lunch with the same officials you are supposed to criticise.",
    ),
}
CODE_EXCERPTS = {
    "enforcement_action": (
        "We put troops between the armed group and the camp, whatever the authorities said.",
    ),
    "withholding_support": (
        "We stopped fuel and transport for that unit until the case was dealt with.",
        "The joint patrols were suspended for a month after the incident.",
    ),
    "naming_and_shaming": (
        "The report went out with the names of the units responsible.",
        "We briefed the press and said exactly who had done it.",
    ),
    "private_condemnation": (
        "We told the minister very clearly, but only behind closed doors.",
        "The strong letter was sent, and the public statement came months later.",
    ),
    "quiet_diplomacy": (
        "A quiet word with the right adviser achieved more than any press release.",
        "We kept going back to the ministry, always discreetly, until they moved.",
    ),
    "mild_concern": (
        "The statement expressed concern in very general terms and named nobody.",
        "We said we were following the situation closely, which meant very little.",
    ),
    "silence": (
        "In the end we simply said nothing about it.",
        "Nobody in the leadership wanted to bring it up at all.",
    ),
    "downplaying": (
        "The paragraph on the arrests was cut from the final version of the report.",
        "The numbers were rounded down before the briefing went to the Council.",
    ),
    "host_consent": (
        "Everyone worried that one critical statement could cost us the government's consent.",
    ),
    "headquarters_pressure": ("Headquarters kept asking us to tone down the language.",),
    "member_state_influence": (
        "A couple of Council members made it clear they did not want a fight with the government.",
    ),
    "staff_safety": ("We had staff in remote bases, and their safety was always on my mind.",),
    "local_ownership": ("People kept saying it was for the national authorities to lead.",),
    "impartiality": ("Being impartial was used as a reason to say nothing at all.",),
    "leaks_to_press": (
        "When nothing happened internally, someone passed the draft to a journalist.",
    ),
    "persona_non_grata": ("Two colleagues had already been told to leave the country that year.",),
    "electoral_crisis": ("The disputed results put the whole mission in an impossible position.",),
    "gender_norms": (
        "Women's participation was the first thing dropped when the talks got difficult.",
    ),
    "civil_society_space": ("Activists were being arrested and radio stations closed down.",),
    "sexual_exploitation": (
        "The abuse cases involving soldiers were the hardest to raise with anyone.",
    ),
}
# For codes of another codebook: one sentence per kind, around the code's label.
GENERIC_EXCERPTS = {
    "factor": "A lot of what we did came down to this: {label}.",
    "response": "What we did in the end was, honestly, {label}.",
    "theme": "One thing kept coming up in those years: {label}.",
}
NAME_CLAUSES = (
    "; {name} was in the room.",
    "; {name} told me the same.",
    ", and {name} agreed with me.",
    "; I raised it with {name} afterwards.",
)


@dataclass(frozen=True)
class ExampleData:
    """The two synthetic input tables, columns and row order as written to disk."""

    interviews: pd.DataFrame
    coding: pd.DataFrame


@dataclass(frozen=True)
class _People:
    """Per-interview draws that the coding table depends on, indexed like the interviews.
    ``interviewer`` indexes :data:`INTERVIEWERS`, and the same index in :data:`CODERS` is that
    author as a coder."""

    ids: np.ndarray
    names: np.ndarray
    surnames: np.ndarray
    interviewer: np.ndarray
    p_confrontational: np.ndarray


def generate_example_data(
    codebook: Codebook, n_interviews: int = DEFAULT_INTERVIEWS, seed: int = DEFAULT_SEED
) -> ExampleData:
    """Draw a synthetic dataset; a pure function of its arguments.

    Interview ids follow interview dates. Coding rows are sorted by interview, segment and coder.
    Raises ``ValueError`` if ``n_interviews`` is below 2 (excerpts mention other interviewees) or
    above the number of distinct invented names."""
    capacity = len(FIRST_NAMES) * len(SURNAME_HEADS) * len(SURNAME_TAILS)
    if not 2 <= n_interviews <= capacity:
        raise ValueError(f"n_interviews must be between 2 and {capacity}, got {n_interviews}")
    rng = np.random.default_rng(seed)
    interviews, people = _draw_interviews(rng, n_interviews)
    return ExampleData(interviews, _draw_coding(rng, codebook, people))


def _draw_interviews(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, _People]:
    """The interviews table, ids in date order, and what the coding draws need from it."""
    days = np.sort(rng.integers(0, (FIELDWORK_END - FIELDWORK_START).astype(int) + 1, n))
    dates = FIELDWORK_START + days.astype("timedelta64[D]")
    level = _exact_shuffle(rng, np.array(list(LEVELS_PER_210.values())), n)
    function = _draw_by_group(rng, FUNCTION_WEIGHTS, level)
    posting = _draw_by_group(rng, POSTING_WEIGHTS, level)
    status = (rng.random(n) < FORMER_SHARE[level]).astype(int)
    consent = _draw_by_group(rng, CONSENT_WEIGHTS, level)
    years = _draw_years(rng, level)
    missions = _draw_missions(rng, level)
    names, surnames = _draw_names(rng, n)
    interviewer = rng.integers(0, len(INTERVIEWERS), n)
    ids = _interview_ids(n)
    levels = np.array(list(LEVELS_PER_210))[level]
    functions = np.array(FUNCTIONS)[function]
    statuses = np.array(STATUSES)[status]
    consents = np.array(CONSENTS)[consent]
    table = pd.DataFrame(
        {
            "interview_id": ids,
            "date": _date_strings(rng, dates),
            "location": _draw_locations(rng, dates),
            "consent": consents,
            "name": names,
            "public_role": _public_roles(consents, statuses, levels, functions, missions),
            "descriptor": _descriptors(rng, consents, statuses, levels),
            "status": statuses,
            "level": levels,
            "function": functions,
            "posting": np.array(POSTINGS)[posting],
            "missions": missions,
            "years_at_duty_station": years,
            "region_of_origin": _draw_shares(rng, REGION_SHARES, n),
            "interviewer": np.array(INTERVIEWERS)[interviewer],
            "notes": _draw_notes(rng, n),
            "synthetic": "true",
        },
        columns=list(INTERVIEW_COLUMNS),
    )
    p_confrontational = _p_confrontational(
        rng, levels, functions, table["posting"].to_numpy(), years
    )
    return table, _People(ids, names, surnames, interviewer, p_confrontational)


def _exact_shuffle(rng: np.random.Generator, per_210: np.ndarray, n: int) -> np.ndarray:
    """Category indices in exact proportion to ``per_210`` (largest remainders, in integers, so
    210 interviews give exactly the counts listed), in random order."""
    total = int(per_210.sum())
    counts = n * per_210 // total
    remainders = n * per_210 % total
    counts[np.argsort(-remainders, kind="stable")[: n - int(counts.sum())]] += 1
    return rng.permutation(np.repeat(np.arange(len(per_210)), counts))


def _draw_by_group(rng: np.random.Generator, weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    """One category per row from the weights of the row's group (a row of ``weights``).

    Inverse-CDF sampling on the groups' cumulative weights laid end to end, so a million rows cost
    one ``searchsorted``; categories of zero weight are never drawn. A group whose weights are all
    zero (themes of a codebook without themes) must not occur in ``group``."""
    n_groups, n_categories = weights.shape
    cdf = np.cumsum(weights, axis=1)
    total = cdf[:, -1:]
    cdf = np.divide(cdf, total, out=np.ones_like(cdf), where=total > 0)
    flat = (cdf + np.arange(n_groups)[:, None]).ravel()
    position = np.searchsorted(flat, group + rng.random(len(group)), side="right")
    return position - group * n_categories


def _draw_shares(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    """``n`` keys of ``shares`` drawn in proportion to their values."""
    index = _draw_by_group(rng, np.array([list(shares.values())]), np.zeros(n, int))
    return np.array(list(shares), dtype=object)[index]


def _draw_years(rng: np.random.Generator, level: np.ndarray) -> np.ndarray:
    """Years at the longest duty station, one decimal; missing for some, most often externals."""
    years = np.round(np.minimum(rng.gamma(2.0, 2.0, len(level)), 25.0), 1)
    external = np.array(list(LEVELS_PER_210)) == "external"
    missing = rng.random(len(level)) < np.where(external[level], 0.4, 0.08)
    return np.where(missing, np.nan, years)


def _draw_missions(rng: np.random.Generator, level: np.ndarray) -> np.ndarray:
    """``;``-joined missions per interviewee in chronological order, drawn without replacement
    (Gumbel top-k) in proportion to :data:`MISSION_WEIGHTS`."""
    names = np.array(list(MISSION_WEIGHTS))
    log_weights = np.log(np.array(list(MISSION_WEIGHTS.values())))
    count = _draw_by_group(rng, MISSION_COUNT_WEIGHTS, level)
    keys = log_weights + rng.gumbel(size=(len(level), len(names)))
    rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
    served = rank < count[:, None]
    return np.array([";".join(names[row]) for row in served], dtype=object)


def _draw_names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Unique invented full names and their surnames.

    Surnames are all distinct while ``n`` allows; when they repeat, the first names differ, so no
    two interviewees share a full name."""
    n_surnames = len(SURNAME_HEADS) * len(SURNAME_TAILS)
    surname_ids = rng.permutation(n_surnames)[np.arange(n) % n_surnames]
    first_offset = rng.integers(0, len(FIRST_NAMES), n_surnames)[surname_ids]
    first_ids = (first_offset + np.arange(n) // n_surnames) % len(FIRST_NAMES)
    heads = np.array(SURNAME_HEADS, dtype=object)[surname_ids // len(SURNAME_TAILS)]
    surnames = heads + np.array(SURNAME_TAILS, dtype=object)[surname_ids % len(SURNAME_TAILS)]
    return np.array(FIRST_NAMES, dtype=object)[first_ids] + " " + surnames, surnames


def _interview_ids(n: int) -> np.ndarray:
    width = max(4, len(str(n)))
    return np.array([f"INT-{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _date_strings(rng: np.random.Generator, dates: np.ndarray) -> np.ndarray:
    """ISO dates, cut to ``YYYY-MM`` where the day was not recorded."""
    full = np.datetime_as_string(dates, unit="D").astype(object)
    month_only = rng.random(len(dates)) < MONTH_ONLY_SHARE
    return np.where(month_only, full.astype("U7").astype(object), full)


def _draw_locations(rng: np.random.Generator, dates: np.ndarray) -> np.ndarray:
    """``remote`` unless in person, which became rare after March 2020 and resumed a little."""
    period = (dates >= PANDEMIC_START).astype(int) + (dates >= TRAVEL_RESUMED)
    in_person = rng.random(len(dates)) < np.array(IN_PERSON_SHARE)[period]
    return np.where(in_person, _draw_shares(rng, CITIES, len(dates)), "remote")


def _public_roles(
    consents: np.ndarray,
    statuses: np.ndarray,
    levels: np.ndarray,
    functions: np.ndarray,
    missions: np.ndarray,
) -> list[str]:
    """Citable role for ``named`` interviewees (empty otherwise), after their latest mission."""
    return [
        _public_role(status, level, function, mission_list) if consent == "named" else ""
        for consent, status, level, function, mission_list in zip(
            consents, statuses, levels, functions, missions, strict=True
        )
    ]


def _public_role(status: str, level: str, function: str, missions: str) -> str:
    """E.g. ``former Chief of Civil Affairs in UNMIL``: level and function in the latest mission."""
    template = ROLE_TEMPLATES[level]
    if "{mission}" in template and not missions:
        template = ROLE_WITHOUT_MISSION
    role = template.format(mission=missions.rsplit(";", 1)[-1], function=FUNCTION_TITLES[function])
    return f"former {role}" if status == "former" else role


def _descriptors(
    rng: np.random.Generator, consents: np.ndarray, statuses: np.ndarray, levels: np.ndarray
) -> np.ndarray:
    """A generic descriptor, without article, for the ``descriptor`` tier; empty otherwise."""
    group = np.where(levels == "external", "external", statuses)
    pick = rng.random(len(consents))
    text = np.array(
        [DESCRIPTORS[g][int(u * len(DESCRIPTORS[g]))] for g, u in zip(group, pick, strict=True)],
        dtype=object,
    )
    return np.where(consents == "descriptor", text, "")


def _draw_notes(rng: np.random.Generator, n: int) -> np.ndarray:
    notes = np.array(NOTES, dtype=object)[rng.integers(0, len(NOTES), n)]
    return np.where(rng.random(n) < NOTE_SHARE, notes, "")


def _p_confrontational(
    rng: np.random.Generator,
    levels: np.ndarray,
    functions: np.ndarray,
    postings: np.ndarray,
    years: np.ndarray,
) -> np.ndarray:
    """Per-interviewee probability that a factor or response segment points to confrontation,
    from :data:`DIRECTION_MODEL` plus an interviewee-level random effect."""
    m = DIRECTION_MODEL
    linear = (
        m["intercept"]
        + m["human_rights"] * (functions == "human_rights")
        + m["field_office"] * (postings == "field_office")
        + m["un_headquarters"] * (postings == "un_headquarters")
        + m["leader"] * np.isin(levels, LEADERS)
        + m["technical_function"] * np.isin(functions, TECHNICAL_FUNCTIONS)
        + m["years_over_typical"] * (np.nan_to_num(years, nan=TYPICAL_YEARS) - TYPICAL_YEARS)
        + rng.normal(0.0, m["interviewee_sd"], len(levels))
    )
    return 1.0 / (1.0 + np.exp(-linear))


def _code_pools(codebook: Codebook) -> tuple[np.ndarray, np.ndarray]:
    """Code weights of the five pools a segment draws from, as rows over ``codebook.codes``:
    factors; confrontational and conciliatory halves of the response spectrum; themes early in the
    fieldwork; themes late. Also returns the share of each kind (factor, response, theme), zero
    for a kind the codebook lacks.

    Within a pool weights fall off as a Zipf law: factors and themes in codebook order, responses
    from the middle of the spectrum outwards, so extreme responses are the rarest."""
    codes = codebook.codes
    pools = np.zeros((5, len(codes)))
    factors = [i for i, c in enumerate(codes) if c.kind == "factor"]
    responses = [i for i, c in enumerate(codes) if c.kind == "response"]
    themes = [i for i, c in enumerate(codes) if c.kind == "theme"]
    half = len(responses) // 2
    pools[0, factors] = _zipf(len(factors), ZIPF_EXPONENT["factor"])
    pools[1, responses[:half][::-1]] = _zipf(half, ZIPF_EXPONENT["response"])
    pools[2, responses[half:]] = _zipf(len(responses) - half, ZIPF_EXPONENT["response"])
    n_late = len(themes) // 6
    theme_weights = _zipf(len(themes), ZIPF_EXPONENT["theme"])
    pools[3, themes[: len(themes) - n_late]] = theme_weights[: len(themes) - n_late]
    pools[4, themes] = theme_weights
    present = np.array([bool(factors), bool(responses), bool(themes)])
    kind_shares = np.array(list(KIND_SHARES.values())) * present
    return pools, kind_shares / kind_shares.sum()


def _zipf(n: int, exponent: float) -> np.ndarray:
    return 1.0 / np.arange(1, n + 1) ** exponent


def _draw_coding(rng: np.random.Generator, codebook: Codebook, people: _People) -> pd.DataFrame:
    """Segments of every interview, first-coded, then a second coder on a fifth of interviews."""
    n = len(people.ids)
    pools, kind_shares = _code_pools(codebook)
    interview, segment = _draw_segments(rng, n)
    pool, code, direction = _first_codes(rng, pools, kind_shares, interview, people)
    excerpt = _draw_excerpts(rng, codebook, code, direction, interview, people)
    first_coder = np.where(
        rng.random(n) < OWN_INTERVIEWS_CODED, people.interviewer, rng.integers(0, len(CODERS), n)
    )
    second_coder = (first_coder + rng.integers(1, len(CODERS), n)) % len(CODERS)
    double = np.zeros(n, bool)
    double[rng.permutation(n)[: round(DOUBLE_CODED_SHARE * n)]] = True
    rows = np.flatnonzero(double[interview])
    second_code = _disagree_codes(rng, pools, pool[rows], code[rows])
    second_direction = _disagree(rng, direction[rows], len(DIRECTIONS), DIRECTION_AGREEMENT)
    return _coding_table(
        people.ids,
        codebook,
        interview=np.concatenate([interview, interview[rows]]),
        segment=np.concatenate([segment, segment[rows]]),
        coder=np.concatenate([first_coder[interview], second_coder[interview[rows]]]),
        code=np.concatenate([code, second_code]),
        direction=np.concatenate([direction, second_direction]),
        excerpt=np.concatenate([excerpt, excerpt[rows]]),
    )


def _draw_segments(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Interview index and segment number (1..m) of every segment; m is long-tailed between
    :data:`SEGMENTS_MIN` and :data:`SEGMENTS_MAX`."""
    per_interview = np.clip(
        SEGMENTS_MIN + rng.negative_binomial(2, 0.2, n), SEGMENTS_MIN, SEGMENTS_MAX
    )
    interview = np.repeat(np.arange(n), per_interview)
    starts = np.repeat(np.cumsum(per_interview) - per_interview, per_interview)
    return interview, np.arange(len(interview)) - starts + 1


def _first_codes(
    rng: np.random.Generator,
    pools: np.ndarray,
    kind_shares: np.ndarray,
    interview: np.ndarray,
    people: _People,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pool, code index and direction index of every segment as the first coder codes it.

    The interviewee's lean decides the direction; a response segment then takes its code from
    that side of the spectrum, and most theme segments point nowhere."""
    kind = _draw_by_group(rng, kind_shares[None, :], np.zeros(len(interview), int))
    confrontational = rng.random(len(interview)) < people.p_confrontational[interview]
    late = interview >= LATE_THEMES_FROM * len(people.ids)
    pool = np.select([kind == 0, kind == 1], [0, np.where(confrontational, 1, 2)], 3 + late)
    direction = np.where(confrontational, 0, 1)
    direction[(kind == 2) & (rng.random(len(interview)) < THEME_NONE_SHARE)] = 2
    return pool, _draw_by_group(rng, pools, pool), direction


def _disagree_codes(
    rng: np.random.Generator, pools: np.ndarray, pool: np.ndarray, code: np.ndarray
) -> np.ndarray:
    """The second coder's codes: the first coder's, except for ``1 - CODE_AGREEMENT`` of segments,
    which get another code from the same pool (redrawn once on a clash; a second clash stays an
    agreement, so pools of one code always agree)."""
    other = rng.random(len(code)) >= CODE_AGREEMENT
    recoded = np.where(other, _draw_by_group(rng, pools, pool), code)
    clash = other & (recoded == code)
    recoded[clash] = _draw_by_group(rng, pools, pool[clash])
    return recoded


def _disagree(
    rng: np.random.Generator, values: np.ndarray, n_values: int, agreement: float
) -> np.ndarray:
    """``values`` with ``1 - agreement`` of them shifted to a different value, uniformly."""
    shift = np.where(rng.random(len(values)) < agreement, 0, rng.integers(1, n_values, len(values)))
    return (values + shift) % n_values


def _draw_excerpts(
    rng: np.random.Generator,
    codebook: Codebook,
    code: np.ndarray,
    direction: np.ndarray,
    interview: np.ndarray,
    people: _People,
) -> np.ndarray:
    """One invented sentence for :data:`EXCERPT_SHARE` of segments (empty otherwise), from the
    segment's code and direction; :data:`NAME_MENTION_SHARE` of them mention another interviewee
    (full name or surname) or an invented third party, to exercise the name scrub."""
    texts, start, count = _excerpt_table(codebook)
    slot = code * len(DIRECTIONS) + direction
    variant = (rng.random(len(code)) * count[slot]).astype(int)
    excerpt = texts[start[slot] + variant]
    has_excerpt = rng.random(len(code)) < EXCERPT_SHARE
    mention = np.flatnonzero(has_excerpt & (rng.random(len(code)) < NAME_MENTION_SHARE))
    names = _mentioned_names(rng, interview[mention], people)
    clauses = np.array(NAME_CLAUSES)[rng.integers(0, len(NAME_CLAUSES), len(mention))]
    excerpt[mention] = [
        sentence[:-1] + clause.format(name=name)
        for sentence, clause, name in zip(excerpt[mention], clauses, names, strict=True)
    ]
    return np.where(has_excerpt, excerpt, "")


def _mentioned_names(rng: np.random.Generator, interview: np.ndarray, people: _People) -> list[str]:
    """A third of mentions are another interviewee's full name, a third their surname and a third
    an invented third party."""
    n = len(people.ids)
    other = (interview + rng.integers(1, n, len(interview))) % n
    third = np.array([name for name, _ in THIRD_PARTIES], dtype=object)
    choice = rng.integers(0, 3, len(interview))
    picked = np.select(
        [choice == 0, choice == 1],
        [people.names[other], people.surnames[other]],
        third[rng.integers(0, len(third), len(interview))],
    )
    return list(picked)


def _excerpt_table(codebook: Codebook) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All candidate sentences laid end to end, with the start and count of each
    (code, direction) slot, slot = code index * 3 + direction index."""
    slots = [_sentences(code, direction) for code in codebook.codes for direction in DIRECTIONS]
    count = np.array([len(s) for s in slots])
    start = np.cumsum(count) - count
    return np.array([t for s in slots for t in s], dtype=object), start, count


def _sentences(code: Code, direction: str) -> tuple[str, ...]:
    """Sentences for a code and direction: the factor's sentence for that direction, else the
    code's own sentences, else a generic sentence around the label (other codebooks)."""
    if code.id in FACTOR_EXCERPTS and direction != "none":
        return (FACTOR_EXCERPTS[code.id][DIRECTIONS.index(direction)],)
    if code.id in CODE_EXCERPTS:
        return CODE_EXCERPTS[code.id]
    label = code.label[0].lower() + code.label[1:] if code.label[1:2].islower() else code.label
    return (GENERIC_EXCERPTS[code.kind].format(label=label),)


def _coding_table(
    ids: np.ndarray,
    codebook: Codebook,
    *,
    interview: np.ndarray,
    segment: np.ndarray,
    coder: np.ndarray,
    code: np.ndarray,
    direction: np.ndarray,
    excerpt: np.ndarray,
) -> pd.DataFrame:
    """Rows sorted by interview, segment and coder (index order equals string order)."""
    order = np.lexsort((coder, segment, interview))
    return pd.DataFrame(
        {
            "interview_id": ids[interview[order]],
            "segment": segment[order],
            "coder": np.array(CODERS)[coder[order]],
            "code": np.array(codebook.ids(), dtype=object)[code[order]],
            "direction": np.array(DIRECTIONS)[direction[order]],
            "excerpt": excerpt[order],
        },
        columns=list(CODING_COLUMNS),
    )
