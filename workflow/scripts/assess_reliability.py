"""Adapter for rule assess_reliability: named inputs and params in, named outputs out."""

from peacekeeping_interviews.analysis.reliability import ReliabilityOutputs, run_reliability
from peacekeeping_interviews.workflow_adapter import logged, public_release

snakemake = globals()["snakemake"]

with logged(snakemake.log[0]):
    run_reliability(
        public_release(snakemake),
        snakemake.params.settings,
        ReliabilityOutputs(**dict(snakemake.output.items())),
    )
