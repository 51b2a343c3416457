#!/usr/bin/env python
"""Derive the pulsar table shipped in resources/ from an ATNF psrcat database file.

    python tools/derive_pulsar_table.py --psrcat ../shared/reference/atnf/psrcat_v1.59.db \\
        --output resources/pulsars/atnf_v1.59_pulsars.csv

Any psrcat .db file works (e.g. a newer catalogue version). Source: ATNF Pulsar Catalogue,
Manchester, Hobbs, Teoh & Hobbs, AJ 129, 1993 (2005), version 1.59 (January 2019), as
packaged by KERN (kernsuite-debian/psrcat, GPL-3.0).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from calet_aniso.comparison_model.pulsars import pulsar_table, read_psrcat


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--psrcat", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    records = read_psrcat(args.psrcat)
    table = pulsar_table(records)
    header = (
        f"# Derived from {args.psrcat.name} ({len(records)} pulsars)"
        " by tools/derive_pulsar_table.py.\n"
        "# ATNF Pulsar Catalogue, Manchester et al., AJ 129, 1993 (2005).\n"
        "# Kept: pulsars with position, distance and P1 > 0. age_yr = P/(2 Pdot);\n"
        "# edot_erg_s = 4 pi^2 I Pdot / P^3 with I = 1e45 g cm^2;\n"
        "# dist_kpc from DIST_A, else 1/PX, else DIST_DM (dist_source says which).\n"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(header + table.to_csv(index=False, float_format="%.6g"))
    print(f"{len(table)} of {len(records)} pulsars written to {args.output}")


if __name__ == "__main__":
    main()
