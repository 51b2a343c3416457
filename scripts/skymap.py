"""Rule skymap: counts and exposure-corrected maps of one threshold sample (seed eq. 3.1)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import pandas as pd

from calet_aniso.healpix_io import read_map_stack, write_maps
from calet_aniso.response import read_response
from calet_aniso.runlog import rule_log
from calet_aniso.skymap import sample_header, sky_maps, threshold_sample

with rule_log(snakemake.log[0], "skymap") as log:
    threshold = float(snakemake.wildcards.threshold)
    events = pd.read_parquet(snakemake.input.events, columns=["energy", "l", "b"])
    sample = threshold_sample(events, threshold)
    maps = sky_maps(
        read_map_stack(snakemake.input.maps),
        read_response(snakemake.input.response),
        *(sample[c].to_numpy() for c in ("energy", "l", "b")),
        min_relative_exposure=snakemake.params.min_relative_exposure,
    )
    write_maps(
        snakemake.output.skymap,
        {
            "counts": maps.counts,
            "weighted": maps.weighted,
            "average_exposure": maps.average_exposure,
        },
        {"counts": "events", "weighted": "events", "average_exposure": "m2 s"},
        {
            **sample_header(threshold, len(sample), snakemake.params.period),
            "NMASKED": (maps.masked_events, "events in masked low-exposure pixels"),
            "MINRELEX": (snakemake.params.min_relative_exposure, "mask: exposure < MINRELEX*max"),
        },
    )
    log.info("threshold %g GeV: %d events", threshold, len(sample))
