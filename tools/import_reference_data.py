#!/usr/bin/env python
"""Copy the published reference data the pipeline needs into resources/, with citations.

Reads the SSDC Cosmic Ray Database XML exports and the digitized limits in
``../shared/reference`` and writes plain CSV tables (with a header naming the source)
into ``resources/``. Run once from the repository root:

    python tools/import_reference_data.py --reference ../shared/reference
"""

from __future__ import annotations

import argparse
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

FLUX_FILES = {
    "calet_2018_epm.csv": (
        "fluxes/e+e-_CALET_PRL2018_binningDAMPE_ekin_000.xml",
        "CALET e+ + e- flux: Adriani et al., PRL 120, 261102 (2018), "
        "doi:10.1103/PhysRevLett.120.261102",
    ),
    "ams02_2019_epm.csv": (
        "fluxes/e+e-_AMS_PRL2019_ekin_000.xml",
        "AMS-02 e+ + e- flux: Aguilar et al., PRL 122, 101101 (2019), "
        "doi:10.1103/PhysRevLett.122.101101",
    ),
    "dampe_2017_epm.csv": (
        "fluxes/e+e-_DAMPE_NATURE2017_000.xml",
        "DAMPE e+ + e- flux: Ambrosi et al., Nature 552, 63 (2017), doi:10.1038/nature24475",
    ),
}

XML_FIELDS = {
    "energy_gev": "kinetic_energy",
    "energy_low_gev": "kinetic_energy_min",
    "energy_high_gev": "kinetic_energy_max",
    "flux": "flux",
    "stat_err_low": "flux_statistical_error_low",
    "stat_err_high": "flux_statistical_error_high",
    "sys_err_low": "flux_systematical_error_low",
    "sys_err_high": "flux_systematical_error_high",
}


def convert_flux(xml_path: Path, out_path: Path, citation: str) -> int:
    """Convert one SSDC XML export to CSV; returns the number of bins."""
    root = ET.parse(xml_path).getroot()
    units = root.find("HEADER/UNITS")
    flux_unit = units.findtext("flux").strip()
    energy_unit = units.findtext("kinetic_energy").strip()
    if flux_unit != "(m^2 s sr GeV)^(-1)" or energy_unit != "GeV":
        raise ValueError(f"{xml_path}: unexpected units {flux_unit!r}, {energy_unit!r}")
    rows = []
    for data in root.findall("DATA"):
        rows.append([data.findtext(tag).strip() for tag in XML_FIELDS.values()])
    header = [
        f"# {citation}",
        f"# Converted from the SSDC Cosmic Ray Database export {xml_path.name}"
        " by tools/import_reference_data.py",
        "# energy in GeV (kinetic); flux and errors in (m^2 s sr GeV)^-1",
        ",".join(XML_FIELDS),
    ]
    out_path.write_text("\n".join(header + [",".join(r) for r in rows]) + "\n")
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reference", type=Path, default=Path("../shared/reference"))
    parser.add_argument("--resources", type=Path, default=Path("resources"))
    args = parser.parse_args()
    for name, (source, citation) in FLUX_FILES.items():
        n = convert_flux(args.reference / source, args.resources / "fluxes" / name, citation)
        print(f"{name}: {n} bins")
    shutil.copyfile(args.reference / "orbit/iss_tle.txt", args.resources / "orbit/iss_tle.txt")
    for name in ("fermi_lat_7yr_dipole_ul_digitized.csv",):
        shutil.copyfile(args.reference / "limits" / name, args.resources / "limits" / name)
    print("copied orbit elements and limits")


if __name__ == "__main__":
    main()
