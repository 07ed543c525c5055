"""The archive: the UK Data Service deposit (a BagIt bag with its metadata, checked and
zipped) and ``make verify``, the reviewer's check of a deposit by an isolated rerun.
"""
