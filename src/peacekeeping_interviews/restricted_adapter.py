"""The restricted-tier rules' adapter: their confidential inputs, as the stage functions take
them. Only the anonymisation, leak-scan and deposit scripts import it."""

from __future__ import annotations

import os

from peacekeeping_interviews.anonymisation import ConfidentialInputs
from peacekeeping_interviews.pseudonym_key import key_as_restricted
from peacekeeping_interviews.restricted_strings import RestrictedIndex, RestrictedStrings


def confidential_inputs(snakemake) -> ConfidentialInputs:
    """The anonymisation rule's named inputs and params, as the stage function takes them.

    The anonymisation settings come from the config: the rules' ``settings`` param holds them as
    :func:`~peacekeeping_interviews.study_config.recorded_config` records them, without the
    sensitive names."""
    return ConfidentialInputs(
        interviews=snakemake.input.interviews,
        coding=snakemake.input.coding,
        codebook=snakemake.input.codebook,
        schema_dir=snakemake.params.schema_dir,
        settings=snakemake.config["anonymisation"],
        latest_interview_date=snakemake.params.latest_interview_date,
    )


def restricted_strings(snakemake) -> RestrictedStrings | None:
    """What the deposit's bag scan looks for: the anonymisation stage's restricted-string index
    (input ``restricted_strings``) and the key where the ``settings`` param says it is; None in
    a run from a deposit, which has no index."""
    path = snakemake.input.get("restricted_strings")
    if path is None:
        return None
    index = RestrictedIndex.read(path)
    return index.search(key_as_restricted(snakemake.params.settings, index.synthetic, os.environ))
