"""The one place this project reaches into bagit's private methods (bagit 1.9 offers no public
way to name the files behind a Payload-Oxum mismatch); tests/archive/test_bagit_adapter.py pins
what it relies on, so that a bagit upgrade that changes them fails there first."""

from __future__ import annotations

import bagit


def payload_faults(bag: bagit.Bag) -> list:
    """Which files are at fault when bagit stops at the Payload-Oxum (file count and total
    size), which it checks first and reports without naming a file. These two steps are what
    ``Bag.validate`` runs next; bagit offers them only as private methods."""
    for step in (bag._validate_completeness, lambda: bag._validate_entries(1)):
        try:
            step()
        except bagit.BagValidationError as error:
            return list(getattr(error, "details", []))
    return []
