"""Rule figure_exposure: Figure 1, average normalised exposure maps."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

from calet_aniso.healpix_io import read_maps
from calet_aniso.plots import exposure_figure
from calet_aniso.runlog import rule_log

with rule_log(snakemake.log[0], "figure_exposure"):
    panels = {}
    for threshold, path in zip(snakemake.params.thresholds, snakemake.input.averages, strict=True):
        maps, header = read_maps(path)
        label = f"{threshold:g} GeV" if threshold < 1000 else f"{threshold / 1000:g} TeV"
        panels[f"E ≥ {label} ({header['NEVENTS']} events)"] = maps["average_exposure"]
    exposure_figure(panels, snakemake.output.png, snakemake.output.pdf, snakemake.params.period)
