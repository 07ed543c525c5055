"""The one use of bagit's private methods: which files are at fault behind a Payload-Oxum
mismatch. Pinned here so that a bagit upgrade that changes them fails first in this file."""

import bagit
import pytest

from peacekeeping_interviews.archive.bagit_adapter import payload_faults


@pytest.fixture
def bag(tmp_path):
    folder = tmp_path / "bag"
    folder.mkdir()
    (folder / "a.csv").write_text("x\n1\n")
    (folder / "b.csv").write_text("y\n2\n")
    return bagit.make_bag(str(folder), checksums=["sha256"])


def test_an_intact_bag_has_no_faulty_file(bag):
    assert payload_faults(bag) == []


def test_a_file_changed_after_bagging_is_named_with_its_checksums(bag, tmp_path):
    (tmp_path / "bag/data/a.csv").write_text("x\n100\n")
    with pytest.raises(bagit.BagValidationError, match="Payload-Oxum"):
        bag.validate()
    faults = payload_faults(bag)
    assert [(type(f), f.path) for f in faults] == [(bagit.ChecksumMismatch, "data/a.csv")]


def test_a_missing_and_an_extra_file_are_named(bag, tmp_path):
    (tmp_path / "bag/data/b.csv").unlink()
    (tmp_path / "bag/data/extra.csv").write_text("z\n")
    faults = {(type(f), f.path) for f in payload_faults(bag)}
    assert faults == {
        (bagit.FileMissing, "data/b.csv"),
        (bagit.UnexpectedFile, "data/extra.csv"),
    }
