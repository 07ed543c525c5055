"""The documents: the paper and appendix rendered from their Quarto sources (with Quarto, or
the fallback renderer), the stamp every page carries, and the exhibit map.
"""
