"""Command line: ``calet-aniso summary [results/<period>] [--json]``.

Prints the headline result of a period (``reporting.summary``): per threshold the number of
events, δ and its limits, the isotropic band and p-values, the dipole direction and its
component toward the named directions; then the figures and the report.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from calet_aniso.config.paths import PERIOD_DIR
from calet_aniso.config.schema import load_config
from calet_aniso.reporting.summary import summarise, text


def _summary(args: argparse.Namespace) -> int:
    if args.results_dir is None:
        period = load_config(*args.configfile)["period"]
        results_dir = Path(PERIOD_DIR.format(period=period))
    else:
        results_dir = Path(args.results_dir)
    try:
        summary = summarise(results_dir)
    except (FileNotFoundError, ValueError) as error:
        print(f"calet-aniso summary: {error}", file=sys.stderr)
        return 1
    print(summary.to_json() if args.json else text(summary), end="" if not args.json else "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``calet-aniso`` command."""
    parser = argparse.ArgumentParser(prog="calet-aniso", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    summary = commands.add_parser("summary", help="print the headline result of a period")
    summary.add_argument(
        "results_dir", nargs="?", help="results/<period> (default: the period of --configfile)"
    )
    summary.add_argument(
        "--configfile",
        nargs="+",
        default=["config/config.yaml"],
        help="config files naming the period, merged in order (default config/config.yaml)",
    )
    summary.add_argument("--json", action="store_true", help="machine-readable JSON")
    args = parser.parse_args(argv)
    return _summary(args)


if __name__ == "__main__":
    sys.exit(main())
