"""Reproducible pipeline for an interview-based study of UN peacekeeping officials.

A module per pipeline stage, and small modules the stages share. Snakemake rules in
``workflow/rules`` only wire files to the functions here, each through a thin adapter in
``workflow/scripts`` (:mod:`workflow_adapter`; the restricted tier's :mod:`restricted_adapter`);
:mod:`cli` serves the tasks outside the workflow (the example data, a new study, ``make verify``).
"""

from importlib.metadata import version

__version__ = version("peacekeeping-interviews")
