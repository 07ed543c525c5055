"""Disclosure control: generalisation, suppression and k measured against pycanon."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pycanon import anonymity

from peacekeeping_interviews.disclosure import (
    _row_classes,
    calendar_hierarchy,
    equivalence_class_sizes,
    generalise,
    masked_counts,
    protect,
    released_order,
    suppress_locally,
    unique_rows,
    utility_cost,
)
from peacekeeping_interviews.vocabulary import WITHHELD

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
    # the lone SRSG's level is withheld together with two officers' so that the withheld group
    # also has 3 rows; the function they share stays
    assert result.levels == {"level": 0, "function": 0}
    assert result.suppressed.sum() == 3
    assert (result.table.loc[result.suppressed, "level"] == WITHHELD).all()
    assert (result.table["function"] == "x").all()
    assert result.withheld["level"].sum() == 3 and not result.withheld["function"].any()
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


def literal_class_sizes(rows: list[tuple]) -> list[int]:
    """Independent count: for each row, how many rows read exactly the same."""
    return [rows.count(row) for row in rows]


def test_local_suppression_withholds_only_the_cells_where_a_group_differs():
    """Hand-worked: two pairs alike but for the function, and one row alike but for the level.
    Grouping the nearest three rows withholds one column of each group, never a whole row."""
    table = pd.DataFrame(
        {
            "level": ["chief", "chief", "chief", "officer", "officer", "officer"],
            "function": ["civil", "political", "political", "rights", "rights", "political"],
            "posting": ["hq"] * 6,
        }
    )
    withheld = suppress_locally(table, k_min=3)
    assert withheld is not None
    assert withheld["function"].tolist() == [True, True, True, True, True, True]
    assert not withheld["level"].any() and not withheld["posting"].any()
    released = table.mask(withheld, WITHHELD)
    assert min(literal_class_sizes(list(released.itertuples(index=False)))) == 3


def test_a_fixed_column_is_never_withheld_cell_by_cell():
    """The month may only be generalised: a month with fewer than k_min rows cannot be fixed by
    suppression, so protect() coarsens the month for every row instead."""
    table = pd.DataFrame(
        {
            "month": ["2020-01", "2020-01", "2020-02", "2020-02", "2020-02", "2020-03"],
            "level": ["chief"] * 6,
        }
    )
    assert suppress_locally(table, k_min=3, fixed=["month"]) is None
    assert suppress_locally(table, k_min=3) is not None
    result = protect(
        table,
        pd.Series([False] * 6),
        ["month", "level"],
        {"month": calendar_hierarchy(table["month"])},
        k_min=3,
        max_suppression=0.5,
        fixed=["month"],
    )
    assert result.levels["month"] == 1
    assert result.table["month"].tolist() == ["2020-Q1"] * 6
    assert not result.withheld["month"].any()


def test_calendar_hierarchy_goes_month_quarter_year():
    months = pd.Series(["2019-07", "2019-12", "2020-01", "2020-04"])
    hierarchy = calendar_hierarchy(months)
    assert generalise(months, hierarchy, 1).tolist() == ["2019-Q3", "2019-Q4", "2020-Q1", "2020-Q2"]
    assert generalise(months, hierarchy, 2).tolist() == ["2019", "2019", "2020", "2020"]
    assert generalise(months, hierarchy, 3).tolist() == [WITHHELD] * 4


def test_weights_keep_the_weighted_column_detailed():
    """Without weights the cheapest release withholds the column with more values; weighting it
    makes the search give up the other column instead."""
    table = pd.DataFrame(
        {
            "function": ["a", "a", "a", "b", "b", "b", "c", "c", "c"],
            "level": ["x", "y", "z", "y", "z", "x", "z", "x", "y"],
        }
    )
    kwargs = dict(
        is_named=pd.Series([False] * 9),
        quasi_identifiers=["function", "level"],
        hierarchies={},
        k_min=3,
        max_suppression=0.0,
    )
    assert protect(table, **kwargs).k_after >= 3
    weighted = protect(table, **kwargs, weights={"function": 4.0})
    assert weighted.levels == {"function": 0, "level": 1}
    assert weighted.table["function"].tolist() == table["function"].tolist()
    other = protect(table, **kwargs, weights={"level": 4.0})
    assert other.levels == {"function": 1, "level": 0}


def test_utility_cost_counts_generalised_and_withheld_cells():
    original = pd.DataFrame({"level": ["srsg", "dsrsg", "chief", "chief"], "posting": list("aabb")})
    released = pd.DataFrame(
        {"level": ["leadership", "leadership", "chief", "*"], "posting": list("aabb")}
    )
    withheld = pd.DataFrame({"level": [False, False, False, True], "posting": [False] * 4})
    cost = utility_cost(original, released, withheld)
    assert cost["columns"]["level"] == {
        "cells_generalised": 2,
        "cells_withheld": 1,
        "cells_withheld_locally": 1,
    }
    assert cost["columns"]["posting"]["cells_generalised"] == 0
    assert cost["rows_suppressed"] == 1


def test_unique_rows_counts_rows_alone_in_their_class():
    table = pd.DataFrame({"a": list("xxyz"), "b": list("1123")})
    assert unique_rows(table, ["a", "b"]) == 2
    assert unique_rows(table, ["a"]) == 2


def test_masked_counts_hide_one_to_k_minus_one():
    counts = pd.Series([0, 1, 2, 3, 40])
    assert masked_counts(counts, 3).tolist() == ["0", "<3", "<3", "3", "40"]
    assert masked_counts(counts, 2).tolist() == ["0", "<2", "2", "3", "40"]


def test_released_order_is_natural_then_withheld_then_unrecorded():
    values = ["10+", "", "*", "2-5", "0-2", "5-10", "2-5", "officer", "chief"]
    assert released_order(values) == ["0-2", "2-5", "5-10", "10+", "chief", "officer", "*", ""]


def test_no_quasi_identifier_leaves_the_table_as_it_is():
    """A study may declare every attribute non-identifying: nothing to protect, k is the number
    of non-named rows."""
    table = pd.DataFrame({"level": ["chief", "officer", "srsg"]})
    result = protect(table, pd.Series([False] * 3), [], {}, k_min=3, max_suppression=0.0)
    assert result.levels == {} and result.k_before == result.k_after == 3
    assert not result.suppressed.any()


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=40), st.integers(min_value=1, max_value=4), st.data())
def test_row_classes_partition_rows_as_numpy_unique_does(n_rows, n_columns, data):
    """Codes as _codes gives them: -1 (missing) to n_rows - 1."""
    values = st.integers(min_value=-1, max_value=max(n_rows - 1, -1))
    rows = [
        data.draw(st.lists(values, min_size=n_columns, max_size=n_columns)) for _ in range(n_rows)
    ]
    codes = np.array(rows, dtype=np.int64).reshape(n_rows, n_columns)
    class_of, counts = _row_classes(codes)
    if not rows:
        assert len(class_of) == 0
        return
    _, reference, reference_counts = np.unique(
        codes, axis=0, return_inverse=True, return_counts=True
    )
    reference = reference.ravel()
    assert len(set(zip(class_of, reference))) == len(set(class_of)) == len(set(reference))
    assert sorted(counts[class_of]) == sorted(reference_counts[reference])
