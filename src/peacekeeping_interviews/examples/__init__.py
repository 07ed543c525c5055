"""The synthetic example's generators: the seeded interviews, coding and mandates files that
stand in for the confidential inputs. Only ``make example-data`` and the tests run them.
"""
