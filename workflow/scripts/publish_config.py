"""Adapter for rule publish_config: the run's config in, its public form out."""

from pathlib import Path

from peacekeeping_interviews.files import write_all_or_nothing
from peacekeeping_interviews.study_config import public_config_text
from peacekeeping_interviews.workflow_adapter import logged

snakemake = globals()["snakemake"]

with logged(snakemake.log[0]):
    write_all_or_nothing({Path(snakemake.output.config): public_config_text(snakemake.config)})
