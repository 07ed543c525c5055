"""Disclosure control: generalisation, suppression and k measured against pycanon."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pycanon import anonymity

from peacekeeping_interviews.disclosure import (
    WITHHELD,
    equivalence_class_sizes,
    generalise,
    masked_counts,
    protect,
    released_order,
)

LEVELS = [{"srsg": "leadership", "dsrsg": "leadership", "chief": "senior", "director": "senior"}]
REGIONS = [{"MONUC": "central_africa", "MONUSCO": "central_africa", "UNMIL": "west_africa"}]


def test_generalise_maps_each_item_and_deduplicates():
    values = pd.Series(["MONUC;MONUSCO", "UNMIL;MONUSCO", "", "UNMISS"])
    assert generalise(values, REGIONS, 1).tolist() == [
        "central_africa",
        "central_africa;west_africa",
        "",
        "UNMISS",
    ]
    assert generalise(values, REGIONS, 0).tolist() == values.tolist()
    assert generalise(values, REGIONS, 2).tolist() == [WITHHELD] * 4


def test_class_sizes_agree_with_pycanon_minimum():
    table = pd.DataFrame({"a": list("xxyyyz"), "b": list("112223")})
    sizes = equivalence_class_sizes(table, ["a", "b"])
    assert sizes.tolist() == [2, 2, 3, 3, 3, 1]
    assert sizes.min() == anonymity.k_anonymity(table, ["a", "b"])


def hand_worked_table():
    """Six non-named officials: by level they are unique; grouped, they form two classes of 3."""
    return pd.DataFrame(
        {
            "level": ["srsg", "dsrsg", "srsg", "chief", "director", "chief"],
            "region_of_origin": ["global_north"] * 6,
        }
    )


def test_hand_worked_generalisation_reaches_k():
    table = hand_worked_table()
    result = protect(
        table,
        is_named=pd.Series([False] * 6),
        quasi_identifiers=["level", "region_of_origin"],
        hierarchies={"level": LEVELS},
        k_min=3,
        max_suppression=0.0,
    )
    assert result.levels == {"level": 1, "region_of_origin": 0}
    assert result.table["level"].tolist() == ["leadership"] * 3 + ["senior"] * 3
    assert result.k_before == 1
    assert result.k_after == 3 == anonymity.k_anonymity(result.table, ["level", "region_of_origin"])
    assert not result.suppressed.any()


def test_suppression_within_budget_prefers_less_generalisation():
    table = pd.DataFrame({"level": ["officer"] * 6 + ["srsg"], "function": ["x"] * 7})
    result = protect(
        table,
        pd.Series([False] * 7),
        ["level", "function"],
        {"level": LEVELS},
        k_min=3,
        max_suppression=0.5,
    )
    # the lone SRSG is withheld together with two officers so the withheld group also has 3 rows
    assert result.levels == {"level": 0, "function": 0}
    assert result.suppressed.sum() == 3
    assert (result.table.loc[result.suppressed] == WITHHELD).all().all()
    assert result.k_after == 3


def test_named_rows_do_not_count_towards_k():
    """Cross-tier linkage: three rows alike, two of them named, leave the third one unique."""
    table = pd.DataFrame({"level": ["srsg", "srsg", "srsg", "officer", "officer", "officer"]})
    is_named = pd.Series([True, True, False, False, False, False])
    over_all_rows = anonymity.k_anonymity(table, ["level"])
    assert over_all_rows == 3
    result = protect(table, is_named, ["level"], {"level": LEVELS}, k_min=3, max_suppression=0.0)
    assert result.k_before == 1
    assert result.k_after >= 3
    non_named = result.table.loc[~is_named]
    assert equivalence_class_sizes(non_named, ["level"]).min() >= 3


def test_too_few_non_named_rows_is_an_error():
    from peacekeeping_interviews.problems import InputError

    with pytest.raises(InputError, match="k_min=3"):
        protect(
            pd.DataFrame({"level": ["srsg", "srsg"]}),
            pd.Series([False, False]),
            ["level"],
            {},
            k_min=3,
            max_suppression=0.1,
        )


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["srsg", "dsrsg", "chief", "director", "officer"]),
            st.sampled_from(["MONUC", "MONUSCO", "UNMIL", "UNMISS", "MONUC;UNMIL"]),
            st.booleans(),
        ),
        min_size=3,
        max_size=40,
    ),
    k_min=st.integers(2, 3),
    max_suppression=st.sampled_from([0.0, 0.1, 0.3]),
)
def test_result_is_always_k_anonymous_within_budget(rows, k_min, max_suppression):
    table = pd.DataFrame(rows, columns=["level", "missions", "named"])
    is_named = table.pop("named")
    if 0 < (~is_named).sum() < k_min:
        return
    result = protect(
        table,
        is_named,
        ["level", "missions"],
        {"level": LEVELS, "missions": REGIONS},
        k_min,
        max_suppression,
    )
    non_named = result.table.loc[~is_named]
    if len(non_named):
        assert (
            anonymity.k_anonymity(non_named.reset_index(drop=True), ["level", "missions"]) >= k_min
        )
        assert result.k_after >= k_min
    assert result.suppressed.sum() <= int(max_suppression * (~is_named).sum())
    assert not result.suppressed[is_named].any()


def test_masked_counts_hide_one_to_k_minus_one():
    counts = pd.Series([0, 1, 2, 3, 40])
    assert masked_counts(counts, 3).tolist() == ["0", "<3", "<3", "3", "40"]
    assert masked_counts(counts, 2).tolist() == ["0", "<2", "2", "3", "40"]


def test_released_order_is_natural_then_withheld_then_unrecorded():
    values = ["10+", "", "*", "2-5", "0-2", "5-10", "2-5", "officer", "chief"]
    assert released_order(values) == ["0-2", "2-5", "5-10", "10+", "chief", "officer", "*", ""]
