"""Adapter for rule analyse_saturation: named inputs and params in, named outputs out."""

from peacekeeping_interviews.analysis.saturation import SaturationOutputs, run_saturation
from peacekeeping_interviews.workflow_adapter import logged, public_release

snakemake = globals()["snakemake"]

with logged(snakemake.log[0]):
    run_saturation(
        public_release(snakemake),
        snakemake.params.settings,
        SaturationOutputs(**dict(snakemake.output.items())),
    )
