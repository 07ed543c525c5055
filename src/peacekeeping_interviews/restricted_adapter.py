"""The restricted-tier rules' adapter: their confidential inputs, as the stage functions take
them. Only the anonymisation, leak-scan and deposit scripts import it."""

from __future__ import annotations

from peacekeeping_interviews.anonymisation import ConfidentialInputs


def confidential_inputs(snakemake) -> ConfidentialInputs:
    """The restricted-tier rules' named inputs and params, as the stage functions take them.

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
