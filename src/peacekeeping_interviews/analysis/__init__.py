"""The analysis stages: each reads the anonymised release and public data alone (never a
confidential input) and writes declared results files: mandates, sample, saturation,
tabulation, reliability.
"""
