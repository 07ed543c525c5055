"""The codebook as a REFI-QDA code tree, shared by the synthetic example's project and the
release's export: one parent per group then Direction, unique paths, codes described by their
definitions, the same GUIDs every time, and refusals of what a path cannot tell apart."""

import re
from dataclasses import replace

import pytest
from conftest import CODEBOOK, ROOT, SCHEMA_DIR

from peacekeeping_interviews.archive.qda_export import release_codebook
from peacekeeping_interviews.codebook import Code, Codebook, load_codebook
from peacekeeping_interviews.examples.synthetic import generate_example_data
from peacekeeping_interviews.examples.synthetic_qda import example_qda
from peacekeeping_interviews.files import read_yaml
from peacekeeping_interviews.module_imports import module_closure
from peacekeeping_interviews.qda_codebook import (
    DIRECTION_CODES,
    DIRECTION_GROUP,
    GROUP_DESCRIPTIONS,
    RESPONSE_GROUP,
    THEME_GROUP,
    code_tree,
    qda_guid,
)

PACKAGE_DIR = ROOT / "src" / "peacekeeping_interviews"
CANONICAL_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return load_codebook(CODEBOOK, read_yaml(SCHEMA_DIR / "codebook.schema.yaml"))


def small_codebook(*codes: Code, categories=(("a", "Alpha"), ("b", "Beta"))) -> Codebook:
    """A codebook of the given codes (by default two of category ``a``, a response and a theme)."""
    codes = codes or (
        Code("a1", "One", "factor", "a", definition="The  first\n factor."),
        Code("a2", "Two", "factor", "a"),
        Code("r1", "Protest", "response", rank=1, definition="A protest."),
        Code("t1", "Trust", "theme", definition="Trust."),
    )
    return Codebook("f", "t", "s", categories=categories, codes=codes)


def test_one_parent_per_group_each_followed_by_its_codes_then_direction():
    tree = code_tree(small_codebook())
    assert [(c.path, c.is_codable) for c in tree.codes] == [
        ("Alpha", False),
        ("Alpha/One", True),
        ("Alpha/Two", True),
        (RESPONSE_GROUP, False),
        (f"{RESPONSE_GROUP}/Protest", True),
        (THEME_GROUP, False),
        (f"{THEME_GROUP}/Trust", True),
        (DIRECTION_GROUP, False),
        (f"{DIRECTION_GROUP}/Confrontational", True),
        (f"{DIRECTION_GROUP}/Conciliatory", True),
    ]
    guids = {c.path: c.guid for c in tree.codes}
    for code in tree.codes:
        group, _, name = code.path.rpartition("/")
        assert code.name == (name or code.path)
        assert code.parent == (guids[group] if group else None)
    assert "Beta" not in guids  # a category without factors has no parent


def test_paths_map_to_codebook_ids_and_to_directions_apart():
    # A codebook id spelled like a direction stays a code, not a direction.
    tree = code_tree(small_codebook(Code("conciliatory", "Conciliatory", "response", rank=1)))
    assert tree.to_code == {f"{RESPONSE_GROUP}/Conciliatory": "conciliatory"}
    assert tree.to_direction == {
        f"{DIRECTION_GROUP}/{name}": direction for direction, name in DIRECTION_CODES.items()
    }
    guids = {c.path: c.guid for c in tree.codes}
    assert tree.code_guid("conciliatory") == guids[f"{RESPONSE_GROUP}/Conciliatory"]
    assert tree.direction_guid("conciliatory") == guids[f"{DIRECTION_GROUP}/Conciliatory"]
    with pytest.raises(ValueError, match="code of the codebook"):
        tree.code_guid("no_such_code")


def test_codes_are_described_by_their_definitions_and_ids():
    described = {c.path: c.description for c in code_tree(small_codebook()).codes}
    assert described["Alpha/One"] == "The first factor.\n\nCodebook id: a1."
    assert described["Alpha/Two"] == "Codebook id: a2."  # no definition: the id alone
    assert described["Alpha"] == "Factors of the codebook category 'a'."
    assert described[RESPONSE_GROUP] == GROUP_DESCRIPTIONS[RESPONSE_GROUP]
    assert described[DIRECTION_GROUP] == GROUP_DESCRIPTIONS[DIRECTION_GROUP]
    assert described[f"{DIRECTION_GROUP}/Conciliatory"] is None


def test_the_loaded_codebook_gives_every_code_its_files_definition(codebook):
    document = read_yaml(CODEBOOK)
    entries = [f for category in document["categories"] for f in category["factors"]]
    entries += [*document["responses"], *document["themes"]]
    definitions = {e["id"]: " ".join(e["definition"].split()) for e in entries}
    tree = code_tree(codebook)
    described = {c.path: c.description for c in tree.codes}
    assert set(tree.to_code.values()) == set(codebook.ids()) == set(definitions)
    for path, code_id in tree.to_code.items():
        assert described[path] == f"{definitions[code_id]}\n\nCodebook id: {code_id}."


def test_the_same_codebook_gives_the_same_guids_every_time(codebook):
    assert code_tree(codebook) == code_tree(codebook)
    guids = [c.guid for c in code_tree(codebook).codes]
    assert all(CANONICAL_GUID.fullmatch(guid) for guid in guids)
    assert len(set(guids)) == len(guids)
    # Pinned: a project already written keeps its GUIDs.
    assert qda_guid("code", DIRECTION_GROUP) == "98ac96ce-6c86-575e-b119-2f6a1714fde3"
    assert qda_guid("code", "a", 1) == qda_guid("code", "a/1") != qda_guid("code", "a")


@pytest.mark.parametrize(
    ("codes", "categories", "message"),
    [
        ((Code("a1", "Either/or", "factor", "a"),), (("a", "A"),), "without '/'"),
        ((Code("a1", "One", "factor", "a"),), (("a", "A/B"),), "without '/'"),
        ((Code("t1", "Same", "theme"), Code("t2", "Same", "theme")), (), "one code per path"),
        ((Code("a1", "One", "factor", "a"),), (("a", DIRECTION_GROUP),), "other than 'Direction'"),
    ],
    ids=["slash-in-label", "slash-in-category", "same-label-twice", "category-named-direction"],
)
def test_what_a_path_cannot_tell_apart_is_refused(codes, categories, message):
    with pytest.raises(ValueError, match=message):
        code_tree(small_codebook(*codes, categories=categories))


def test_one_label_in_two_groups_is_two_paths():
    codes = (Code("a1", "Same", "factor", "a"), Code("t1", "Same", "theme"))
    tree = code_tree(small_codebook(*codes))
    assert tree.to_code == {"Alpha/Same": "a1", f"{THEME_GROUP}/Same": "t1"}


def test_the_example_and_the_release_export_share_the_tree(codebook):
    tree = code_tree(codebook)
    data = generate_example_data(codebook, 4, seed=1)
    example = example_qda(data.interviews, data.coding, codebook, seed=1)
    assert example.project.codes == tree.codes == release_codebook(codebook).codes
    assert example.mapping["codes"] == tree.to_code
    assert example.mapping["directions"] == tree.to_direction
    codes = (replace(codebook.codes[0], label="Either/or"), *codebook.codes[1:])
    with pytest.raises(ValueError, match="without '/'"):
        release_codebook(replace(codebook, codes=codes))


def test_the_shared_tree_imports_neither_tier_nor_restricted_code():
    closure = module_closure(PACKAGE_DIR / "qda_codebook.py", PACKAGE_DIR)
    tiers = {"restricted", "examples", "archive"}
    assert [p for p in closure if tiers & set(p.relative_to(PACKAGE_DIR).parts)] == []
