"""Adapter for rule tabulate_factors: the release in, the tabulation outputs out."""

from peacekeeping_interviews.analysis.tabulation import TabulationOutputs, run_tabulation
from peacekeeping_interviews.workflow_adapter import logged, public_release

snakemake = globals()["snakemake"]

with logged(snakemake.log[0]):
    run_tabulation(
        public_release(snakemake),
        snakemake.params.settings,
        TabulationOutputs(**dict(snakemake.output.items())),
    )
