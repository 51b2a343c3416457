"""Rule skymap: counts and exposure-corrected maps of one threshold sample (seed eq. 3.1)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import numpy as np
import pandas as pd

from calet_aniso.healpix_io import read_maps, write_maps
from calet_aniso.response import read_response
from calet_aniso.runlog import rule_log
from calet_aniso.skymap import sky_maps

with rule_log(snakemake.log[0], "skymap") as log:
    threshold = float(snakemake.wildcards.threshold)
    node_maps, _ = read_maps(snakemake.input.maps)
    stack = np.array([node_maps[k] for k in sorted(node_maps)])
    events = pd.read_parquet(snakemake.input.events, columns=["energy", "l", "b"])
    sample = events[events["energy"] >= threshold]
    maps = sky_maps(
        stack,
        read_response(snakemake.input.response),
        sample["energy"].to_numpy(),
        sample["l"].to_numpy(),
        sample["b"].to_numpy(),
    )
    header = {
        "THRESH": (threshold, "GeV, sample is E >= THRESH"),
        "NEVENTS": len(sample),
        "PERIOD": snakemake.params.period,
    }
    write_maps(
        snakemake.output.skymap,
        {
            "counts": maps.counts,
            "weighted": maps.weighted,
            "average_exposure": maps.average_exposure,
        },
        {"counts": "events", "weighted": "events", "average_exposure": "m2 s"},
        header,
    )
    log.info("threshold %g GeV: %d events", threshold, len(sample))
