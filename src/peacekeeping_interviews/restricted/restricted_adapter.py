"""The anonymisation rule's adapter: its confidential inputs, as the stage function takes them.
Only the anonymisation script imports it; the later restricted-tier rules read the
restricted-string index instead."""

from __future__ import annotations

from peacekeeping_interviews.restricted.anonymisation import ConfidentialInputs


def confidential_inputs(snakemake) -> ConfidentialInputs:
    """The anonymisation rule's named inputs and params, as the stage function takes them.

    The anonymisation settings come from the config: the rules' ``settings`` param holds them as
    :func:`~peacekeeping_interviews.study_config.recorded_config` records them, without the
    sensitive names."""
    return ConfidentialInputs(
        interviews=snakemake.input.get("interviews"),
        coding=snakemake.input.get("coding"),
        qdpx=snakemake.input.get("qdpx"),
        refi_qda=snakemake.config.get("refi_qda", {}),
        codebook=snakemake.input.codebook,
        schema_dir=snakemake.params.schema_dir,
        settings=snakemake.config["anonymisation"],
        latest_interview_date=snakemake.params.latest_interview_date,
        validated=snakemake.input.validated,
        package_dir=snakemake.params.package_dir,
        index_binding=snakemake.params.index_binding,
    )
