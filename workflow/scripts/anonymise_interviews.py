"""Adapter for rule anonymise_interviews: named inputs and params in, named outputs out."""

from peacekeeping_interviews.restricted.anonymisation import AnonymisationOutputs, run_anonymisation
from peacekeeping_interviews.restricted.restricted_adapter import confidential_inputs
from peacekeeping_interviews.workflow_adapter import logged

snakemake = globals()["snakemake"]

with logged(snakemake.log[0]):
    run_anonymisation(
        confidential_inputs(snakemake),
        outputs=AnonymisationOutputs(**dict(snakemake.output.items())),
    )
