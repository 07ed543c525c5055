"""Command-line entry point for tasks outside the workflow (regenerating the example data).

The workflow's own rules call stage functions through the thin adapters in ``workflow/scripts``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from peacekeeping_interviews.problems import InputError


def _generate_example(args: argparse.Namespace) -> None:
    from peacekeeping_interviews.files import csv_text, read_yaml, write_all_or_nothing
    from peacekeeping_interviews.mandates import EXAMPLE_SEED, generate_example_mandates
    from peacekeeping_interviews.synthetic import write_example_data

    write_example_data(
        args.out,
        codebook_path=args.codebook,
        schema_dir=args.schema_dir,
        n_interviews=args.n_interviews,
        seed=args.seed,
    )
    mandates = generate_example_mandates(read_yaml(args.config)["mandates"], EXAMPLE_SEED)
    write_all_or_nothing({args.out / "mandates.csv": csv_text(mandates)})


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peacekeeping-interviews", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate-example", help="write the synthetic example dataset")
    generate.add_argument("--out", type=Path, default=Path("data/example"))
    generate.add_argument("--codebook", type=Path, default=Path("config/codebook.yaml"))
    generate.add_argument("--schema-dir", type=Path, default=Path("workflow/schemas"))
    generate.add_argument(
        "--config", type=Path, default=Path("config/config.yaml"), help="its `mandates` section"
    )
    generate.add_argument("--n-interviews", type=int, default=210)
    generate.add_argument("--seed", type=int, default=20190701)
    generate.set_defaults(handler=_generate_example)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a subcommand; bad input exits with status 2 and one line per problem on stderr."""
    args = build_parser().parse_args(argv)
    try:
        args.handler(args)
    except InputError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
