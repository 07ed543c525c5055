"""Command-line entry point for tasks outside the workflow: regenerating the example data, and
verifying a deposit (``make verify``).

The workflow's own rules call stage functions through the thin adapters in ``workflow/scripts``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from peacekeeping_interviews.problems import InputError


def _generate_example(args: argparse.Namespace) -> None:
    from peacekeeping_interviews.examples.example_files import (
        write_example_data,
        write_example_qda,
    )
    from peacekeeping_interviews.examples.synthetic_mandates import (
        EXAMPLE_SEED,
        generate_example_mandates,
    )
    from peacekeeping_interviews.files import csv_text, read_yaml, write_all_or_nothing

    draws = {
        "codebook_path": args.codebook,
        "schema_dir": args.schema_dir,
        "n_interviews": args.n_interviews,
        "seed": args.seed,
    }
    write_example_data(args.out, **draws)
    mandates = generate_example_mandates(read_yaml(args.config)["mandates"], EXAMPLE_SEED)
    write_all_or_nothing({args.out / "mandates.csv": csv_text(mandates)})
    if args.qda is not None:
        write_example_qda(args.qda, **draws)


def _new_study(args: argparse.Namespace) -> None:
    from peacekeeping_interviews.study_config import write_new_study

    written = write_new_study(args.directory, args.template, args.codebook)
    print(f"wrote {written} and the codebook beside it; replace every 'FILL IN' value, then run")
    print(f"  snakemake --profile workflow/profiles/default --configfile {written}")


def _verify(args: argparse.Namespace) -> int:
    from peacekeeping_interviews.archive.replication_report import (
        differences_summary,
        printable,
        verdict,
    )
    from peacekeeping_interviews.archive.verification import read_tolerances, verify_deposit
    from peacekeeping_interviews.archive.verification_result import VerificationError

    logging.getLogger("bagit").setLevel(logging.CRITICAL)  # its findings come back named
    try:
        result = verify_deposit(
            args.deposit,
            args.scratch,
            checkout=args.checkout,
            commit=args.commit or None,
            expect=args.expect or None,
            tolerances=read_tolerances(args.tolerances),
            cores=args.cores,
        )
    except (VerificationError, InputError, FileExistsError):
        raise
    except Exception as error:  # a deposit this verifier did not foresee cannot be verified
        raise VerificationError(
            f"{args.deposit}: cannot verify: {type(error).__name__}: {error}"
        ) from error
    report = args.scratch / args.deposit.resolve().name.removesuffix(".zip") / "REPLICATION.md"
    stream = sys.stdout if result.status == 0 else sys.stderr
    print(f"{printable(verdict(result))} ({report})", file=stream)
    for line in differences_summary(result):
        print(f"  {line}", file=stream)
    if result.expected is None:
        print(
            "WARNING: the data fingerprint was not checked against the published article; "
            "pass the one it prints (make verify EXPECT=…)",
            file=sys.stderr,
        )
    return result.status


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
    generate.add_argument(
        "--qda",
        type=Path,
        help="also write the example as a REFI-QDA project (project.qdpx, its CSV twin and the "
        "refi_qda mapping) into this folder",
    )
    generate.set_defaults(handler=_generate_example)

    new_study = commands.add_parser(
        "new-study", help="write a study config to fill in, and a copy of the codebook"
    )
    new_study.add_argument("directory", type=Path, help="a restricted folder, outside git")
    new_study.add_argument("--template", type=Path, default=Path("config/config.yaml"))
    new_study.add_argument(
        "--codebook",
        type=Path,
        default=Path("config/codebook.yaml"),
        help="the framework to start from (e.g. config/codebook-buitelaar-2023.yaml)",
    )
    new_study.set_defaults(handler=_new_study)

    verify = commands.add_parser(
        "verify",
        help="check a deposit against the article's fingerprint and your own code, rerun it "
        "isolated and compare every file (exit 0 reproduced, 1 differences, 2 cannot verify)",
    )
    verify.add_argument("deposit", type=Path, help="the bag's folder, or its zip")
    verify.add_argument(
        "--scratch", type=Path, default=Path("verification"), help="everything is written here"
    )
    verify.add_argument("--cores", type=int, default=2)
    verify.add_argument(
        "--expect", default="", help="the data fingerprint printed in the published article"
    )
    verify.add_argument(
        "--tolerances",
        type=Path,
        default=None,
        help="your own tolerances (YAML: results file -> column or key -> largest difference)",
    )
    verify.add_argument(
        "--checkout",
        type=Path,
        default=Path(),
        help="your checkout of the code, which the rerun runs (default: this folder)",
    )
    verify.add_argument(
        "--commit", default="", help="compare with this commit of your checkout, not its files"
    )
    verify.set_defaults(handler=_verify)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a subcommand; bad input exits with status 2 and one line per problem on stderr, a
    deposit that does not reproduce with status 1."""
    from peacekeeping_interviews.archive.replication_report import printable
    from peacekeeping_interviews.archive.verification_result import VerificationError

    args = build_parser().parse_args(argv)
    try:
        status = args.handler(args)
    except (InputError, VerificationError, FileExistsError) as error:
        print("\n".join(printable(line) for line in str(error).splitlines()), file=sys.stderr)
        return 2
    return status or 0


if __name__ == "__main__":
    sys.exit(main())
