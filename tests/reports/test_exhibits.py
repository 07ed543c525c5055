"""Exhibits found in a .qmd source: numbering by kind, and the files behind each."""

from peacekeeping_interviews.reports.exhibits import (
    INPUT_FILE,
    exhibit_map_text,
    exhibits_by_file,
    exhibits_of,
    read_exhibit_map,
)

SOURCE = """---
title: Mini
---

```{python}
#| label: setup
SAMPLE = "results/sample/numbers.json"
tests = data.table("results/tabulation/tests.csv")


def listing(tier):
    return data.table("results/sample/interview_list.csv")
```

```{python}
#| label: tbl-first
#| tbl-cap: "First"
markdown_table(tests)
```

```{python}
#| label: fig-curve
#| fig-cap: "A curve"
data.figure("results/saturation/accumulation")
```

```{python}
#| label: tbl-second
#| tbl-cap: "Second"
markdown_table(listing("named")), data.value(SAMPLE, "n"), data.yaml(data.named("codebook"))
```
"""


def test_exhibits_are_numbered_by_kind_with_the_files_behind_them(tmp_path):
    source = tmp_path / "mini.qmd"
    source.write_text(SOURCE)
    found = exhibits_of(source, {"codebook": "config/codebook.yaml"})
    assert [(e.name, e.label, e.caption) for e in found] == [
        ("Table 1", "tbl-first", "First"),
        ("Figure 1", "fig-curve", "A curve"),
        ("Table 2", "tbl-second", "Second"),
    ]
    assert found[0].results == ("results/tabulation/tests.csv",)
    assert found[1].results == (
        "results/saturation/accumulation.png",
        "results/saturation/accumulation.svg",
    )
    assert found[2].results == (
        "config/codebook.yaml",
        "results/sample/interview_list.csv",
        "results/sample/numbers.json",
    )
    assert found[2].title == "Table 2 of the mini (tbl-second)"
    assert [e.label for e in exhibits_by_file(found)["results/tabulation/tests.csv"]] == [
        "tbl-first"
    ]


def test_the_exhibit_map_names_files_as_the_deposit_does_with_the_rule_behind_each(tmp_path):
    """The map a render writes reads back to the same exhibits, each file under its deposit name
    and with the rule that wrote it, so the authors' run and a rerun from the deposit (where the
    codebook sits elsewhere in the project) write the same bytes."""
    source = tmp_path / "mini.qmd"
    source.write_text(SOURCE)
    producers = {"results/tabulation/tests.csv": "rule tabulate_factors"}
    authors = exhibit_map_text(
        exhibits_of(source, {"codebook": "config/codebook.yaml"}),
        producers,
        {"public/codebook.yaml": "config/codebook.yaml"},
    )
    rerun = exhibit_map_text(
        exhibits_of(source, {"codebook": "data/public/codebook.yaml"}),
        producers,
        {"public/codebook.yaml": "data/public/codebook.yaml"},
    )
    assert authors == rerun
    (tmp_path / "exhibits.json").write_text(authors)
    read = read_exhibit_map(tmp_path / "exhibits.json")
    assert [e.label for e in read] == ["tbl-first", "fig-curve", "tbl-second"]
    assert read[0].programs == ("rule tabulate_factors",)
    assert read[1].programs == (INPUT_FILE,)
    assert read[2].results[0] == "public/codebook.yaml"
