# Start-up checks and input functions shared by the rules.
import os
import tomllib
from pathlib import Path

from peacekeeping_interviews.deposit_layout import (
    DEPOSITED_SNAPSHOT,
    EXHIBIT_MAP,
    LEAK_SCAN_REPORT,
    PAPER_DIR,
    PUBLIC_CONFIG,
    RELEASE_DIR,
    RENDER_RECORD,
    RESTRICTED_DIR,
    deposited_inputs,
)
from peacekeeping_interviews.files import file_digest, withdraw
from peacekeeping_interviews.module_imports import package_files
from peacekeeping_interviews.stage_outputs import (
    AnonymisationOutputs,
    MandatesOutputs,
    ReliabilityOutputs,
    SampleOutputs,
    SaturationOutputs,
    TabulationOutputs,
)
from peacekeeping_interviews.startup import PROBLEMS_LOG, check_study, report_failure
from peacekeeping_interviews.study_config import recorded_config
from peacekeeping_interviews.restricted.pseudonymisation import (
    available_key_fingerprint,
)
from peacekeeping_interviews.restricted.confidential_source import ConfidentialSource
from peacekeeping_interviews.restricted.restricted_strings import index_binding
from peacekeeping_interviews.restricted.validation import (
    keep_validated,
)

SCHEMA_DIR = Path("workflow") / "schemas"
PACKAGE_DIR = Path("src") / "peacekeeping_interviews"
# The project's one version (pyproject.toml); rendered documents carry it in their names.
VERSION = tomllib.loads(Path("pyproject.toml").read_text())["project"]["version"]
# `release`: the run starts from a deposited release; no rule may read a confidential input.
FROM_CONFIDENTIAL = config["start_from"] == "confidential"
# Where the deposit stage writes its bags and zips: made from every public file, so a failed leak
# scan withdraws all that is there, whatever version or study made it.
DEPOSIT_DIR = Path("results") / "deposit"
# The anonymisation stage's public outputs: written by it, or placed from a deposit.
RELEASE = {
    **{
        name: path
        for name, path in AnonymisationOutputs.layout().items()
        if name in ("interviews", "coding", "mission_counts", "report", "summary")
    },
    "config": PUBLIC_CONFIG,
}
# Restricted space where the leak scans move leaking files (never into a public folder).
QUARANTINE = f"{RESTRICTED_DIR}/quarantine"
# The public outputs of the restricted-tier rules, which a run from a deposit leaves out.
RESTRICTED_RULE_PRODUCTS = {
    "anonymise_interviews": [RELEASE["report"], RELEASE["summary"]],
    "scan_for_leaks": [LEAK_SCAN_REPORT],
}
# What a deposit holds for a rerun, by path in its payload: the stamp's data fingerprint.
DEPOSITED_INPUTS = deposited_inputs(
    release=[RELEASE[k] for k in ("interviews", "coding", "mission_counts")],
    mandates=config["inputs"]["mandates"],
    codebook=config["inputs"]["codebook"],
    config=RELEASE["config"],
    reports=[RELEASE["report"], RELEASE["summary"]],
)


def package_code(rule):
    """The package modules the rule's script imports, directly or not, and the data files of
    the tiers they are in (PEMA presets, deposit templates), so that editing any of them re-runs
    the rule (peacekeeping_interviews.module_imports)."""
    script = Path("workflow") / "scripts" / f"{rule}.py"
    return [str(path) for path in package_files(script, PACKAGE_DIR)]


def schema_files(*names):
    return [str(SCHEMA_DIR / name) for name in names]


def confidential_inputs():
    """The restricted files; only the anonymisation stage and the leak scan may read them."""
    return {
        **ConfidentialSource.from_config(config).file_names,
        "codebook": config["inputs"]["codebook"],
    }


def release_inputs():
    """The public release every stage after anonymisation reads (never a confidential file)."""
    return {
        "interviews": RELEASE["interviews"],
        "coding": RELEASE["coding"],
        "codebook": config["inputs"]["codebook"],
        "release_schemas": schema_files(
            "anonymised_interviews.table.yaml",
            "anonymised_coding.table.yaml",
            "codebook.schema.yaml",
        ),
    }


def made_by(*names):
    """Each output file of the named rules, with the rule and script that write it; for a
    restricted-tier rule left out of a run from a deposit, its public outputs."""
    return {
        str(path): f"rule {name} (workflow/scripts/{name}.py)"
        for name in names
        for path in (
            getattr(rules, name).output
            if FROM_CONFIDENTIAL or name not in RESTRICTED_RULE_PRODUCTS
            else RESTRICTED_RULE_PRODUCTS[name]
        )
    }


def products_of(*names):
    """Each named rule's declared input and output files, by rule: which files one rule writes
    together, and which rules read them (the leak scan withdraws them together)."""
    return {
        name: {
            "input": [str(f) for f in getattr(rules, name).input if isinstance(f, str)],
            "output": [str(f) for f in getattr(rules, name).output],
        }
        for name in names
    }


def final_products():
    """What a failed run withdraws (see peacekeeping_interviews.files.withdraw): every rendered
    document and the whole deposit folder."""
    return [PAPER_DIR, DEPOSIT_DIR]


def published_outputs():
    """Every public file the stages before rendering write (call after their includes)."""
    return [
        *RELEASE.values(),
        *rules.merge_mandates.output,
        *rules.describe_sample.output,
        *rules.analyse_saturation.output,
        *rules.tabulate_factors.output,
        *rules.assess_reliability.output,
    ]


try:
    STARTING_DATA = check_study(config, SCHEMA_DIR, RELEASE, os.environ, Path.cwd())
except InputError as error:
    log = PROBLEMS_LOG[config["start_from"]]
    # Snakemake does not tell a run from --lint or --rulegraph while it reads this file: both
    # withdraw, and the message says what went.
    withdrawn = [] if workflow.output_settings.dryrun else withdraw(final_products())
    raise WorkflowError(report_failure(error, log, withdrawn)) from None

# The confidential inputs are validated once per run, by the start-up check above: the
# anonymisation stage reads its product (restricted space) instead of validating them again, and
# refuses it if the inputs, their schemas or the code that checks them changed since. What the
# restricted-string index must be of (these inputs, the restricted settings, the allow-list, the
# key) is bound here too: the anonymisation stage writes it into the index, the scans refuse an
# index of anything else.
VALIDATED_INPUTS = f"{RESTRICTED_DIR}/validated_inputs.pickle"
ALLOW_LIST = config["anonymisation"].get("allow_list") or None
INDEX_BINDING = ""
if FROM_CONFIDENTIAL:
    VALIDATION_DIGEST = ConfidentialSource.from_config(config).digest(
        config["inputs"]["codebook"],
        SCHEMA_DIR,
        config["latest_interview_date"],
        PACKAGE_DIR,
    )
    keep_validated(STARTING_DATA, VALIDATED_INPUTS, VALIDATION_DIGEST)
    INDEX_BINDING = index_binding(
        VALIDATION_DIGEST,
        recorded_config(config)["anonymisation"],
        (
            file_digest(Path(ALLOW_LIST))
            if ALLOW_LIST and Path(ALLOW_LIST).is_file()
            else ""
        ),
        available_key_fingerprint(
            config["anonymisation"], STARTING_DATA.synthetic, os.environ
        ),
    )

# The deposit's folder name says when its data are the synthetic example.
DEPOSIT_NAME = "-".join(
    [
        config["study"]["slug"],
        *(["synthetic-example"] if STARTING_DATA.synthetic else []),
        f"v{VERSION}",
    ]
)
