"""Reproducible pipeline for an interview-based study of UN peacekeeping officials.

One module per pipeline stage; Snakemake rules in ``workflow/rules`` only wire files to the
functions here (through :mod:`peacekeeping_interviews.cli`).
"""

from importlib.metadata import version

__version__ = version("peacekeeping-interviews")
