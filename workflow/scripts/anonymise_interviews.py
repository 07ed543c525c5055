"""Adapter for rule anonymise_interviews: named inputs and params in, named outputs out."""

from peacekeeping_interviews.anonymisation import AnonymisationOutputs, run_anonymisation
from peacekeeping_interviews.workflow_adapter import logged

snakemake = globals()["snakemake"]

with logged(snakemake.log[0]):
    run_anonymisation(
        interviews=snakemake.input.interviews,
        coding=snakemake.input.coding,
        codebook=snakemake.input.codebook,
        schema_dir=snakemake.params.schema_dir,
        settings=snakemake.params.settings,
        latest_interview_date=snakemake.params.latest_interview_date,
        outputs=AnonymisationOutputs(**dict(snakemake.output.items())),
    )
