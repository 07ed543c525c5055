"""The synthetic example as files: the CSV inputs that ``make example-data`` commits to
``data/example/``, and its twin as a QDA program would export it (a REFI-QDA project with the
CSV tables and the ``refi_qda`` mapping it must import to).

Both come from the same draws (:func:`~peacekeeping_interviews.examples.synthetic.
generate_example_data`) and the same placement of every coded passage in an invented transcript
(:func:`~peacekeeping_interviews.examples.synthetic_qda.example_qda`), so the committed coding
carries the coders' spans in those transcripts, and the reliability stage measures agreement on
them in ``make all``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from peacekeeping_interviews.codebook import load_codebook
from peacekeeping_interviews.examples.synthetic import (
    DEFAULT_INTERVIEWS,
    DEFAULT_SEED,
    ExampleData,
    generate_example_data,
)
from peacekeeping_interviews.examples.synthetic_qda import ExampleQda, example_qda, with_positions
from peacekeeping_interviews.files import csv_text, read_yaml, write_all_or_nothing
from peacekeeping_interviews.qda_exchange import write_qdpx


def write_example_data(
    out: Path,
    *,
    codebook_path: Path,
    schema_dir: Path,
    n_interviews: int = DEFAULT_INTERVIEWS,
    seed: int = DEFAULT_SEED,
) -> None:
    """Write ``interviews.csv`` and ``coding.csv`` (with each coder's span in its synthetic
    transcript) to ``out``, both or neither."""
    data, example = _example(codebook_path, schema_dir, n_interviews, seed)
    write_all_or_nothing(
        {
            Path(out) / "interviews.csv": csv_text(data.interviews),
            Path(out) / "coding.csv": csv_text(with_positions(data.coding, example.positions)),
        }
    )


def write_example_qda(
    out: Path,
    *,
    codebook_path: Path,
    schema_dir: Path,
    n_interviews: int = DEFAULT_INTERVIEWS,
    seed: int = DEFAULT_SEED,
) -> None:
    """Write ``project.qdpx``, its CSV twin (``interviews.csv``, ``coding.csv``, every excerpt
    the coder's own selection) and ``refi_qda.yaml`` to ``out``, all or none."""
    _, example = _example(codebook_path, schema_dir, n_interviews, seed)
    comment = "# The refi_qda config section for the synthetic example project.qdpx beside it.\n"
    write_all_or_nothing(
        {
            Path(out) / "project.qdpx": write_qdpx(example.project),
            Path(out) / "interviews.csv": example.interviews_csv,
            Path(out) / "coding.csv": example.coding_csv,
            Path(out) / "refi_qda.yaml": comment
            + yaml.safe_dump(example.mapping, sort_keys=False, allow_unicode=True),
        }
    )


def _example(
    codebook_path: Path, schema_dir: Path, n_interviews: int, seed: int
) -> tuple[ExampleData, ExampleQda]:
    """The draws and their QDA project. The codebook is validated first, so a bad codebook stops
    with an :class:`InputError` before any file is touched."""
    codebook = load_codebook(codebook_path, read_yaml(Path(schema_dir) / "codebook.schema.yaml"))
    data = generate_example_data(codebook, n_interviews, seed)
    return data, example_qda(data.interviews, data.coding, codebook, seed)
