"""Adapter for rule describe_study: the config's study section in, study.json out."""

from peacekeeping_interviews.reports.study import write_study_description
from peacekeeping_interviews.workflow_adapter import logged

snakemake = globals()["snakemake"]

with logged(snakemake.log[0]):
    write_study_description(snakemake.params.study, snakemake.output.study)
