"""Adapter for rule describe_sample."""

from peacekeeping_interviews.analysis.release import read_mission_counts
from peacekeeping_interviews.analysis.sample_description import (
    SampleOutputs,
    run_sample_description,
)
from peacekeeping_interviews.workflow_adapter import logged, public_release

snakemake = globals()["snakemake"]

with logged(snakemake.log[0]):
    run_sample_description(
        public_release(snakemake),
        read_mission_counts(snakemake.input.mission_counts, snakemake.params.schema_dir),
        snakemake.params.settings,
        snakemake.params.k_min,
        SampleOutputs(**dict(snakemake.output.items())),
    )
