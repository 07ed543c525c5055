"""Adapter for rule merge_mandates: named inputs and params in, named outputs out."""

from peacekeeping_interviews.analysis.mandates import MandatesOutputs, run_mandates
from peacekeeping_interviews.workflow_adapter import logged

snakemake = globals()["snakemake"]

with logged(snakemake.log[0]):
    run_mandates(
        snakemake.input.mandates,
        snakemake.input.mission_counts,
        snakemake.params.settings,
        snakemake.params.latest_interview_date,
        MandatesOutputs(**dict(snakemake.output.items())),
        schema_dir=snakemake.params.schema_dir,
    )
