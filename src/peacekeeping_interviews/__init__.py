"""Reproducible pipeline for an interview-based study of UN peacekeeping officials.

The folders are the tiers: :mod:`.restricted` (the only code that reads confidential inputs),
:mod:`.analysis` (the stages that read the anonymised release alone), :mod:`.reports` (the paper
and appendix), :mod:`.archive` (the deposit and ``make verify``) and :mod:`.examples` (the
synthetic example's generators); the modules at the top are shared by them. Snakemake rules in
``workflow/rules`` only wire files to the functions here, each through a thin adapter in
``workflow/scripts`` (:mod:`workflow_adapter`; the anonymisation rule's
:mod:`.restricted.restricted_adapter`), and take their outputs from :mod:`stage_outputs`;
:mod:`cli` serves the tasks outside the workflow (the example data, a new study, ``make verify``).
"""

from importlib.metadata import version

__version__ = version("peacekeeping-interviews")
