"""The restricted tier: the only code that reads the confidential inputs (or what the
anonymisation stage derived from them in restricted space). It validates them, anonymises them
into the shareable release, and proves that no restricted string reached a public file.
"""
