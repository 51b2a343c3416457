"""Rule exposure_maps: exposure (m² s) at every energy node of the response, Galactic HEALPix."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent / "src"))  # also in conda/cluster jobs

import numba
import pandas as pd

from calet_aniso.exposure import LivetimeCube, exposure_from_cube
from calet_aniso.healpix_io import write_maps
from calet_aniso.response import read_response
from calet_aniso.runlog import rule_log
from calet_aniso.tables import read_parquet_metadata

with rule_log(snakemake.log[0], "exposure_maps") as log:
    numba.set_num_threads(max(1, min(snakemake.threads, numba.config.NUMBA_NUM_THREADS)))
    meta = read_parquet_metadata(snakemake.input.cube)
    cube = LivetimeCube.from_frame(
        pd.read_parquet(snakemake.input.cube), meta["cube_nside"], meta["roll_bin_deg"]
    )
    response = read_response(snakemake.input.response)
    maps = exposure_from_cube(cube, response, snakemake.params.nside)
    names = {f"exposure_{i:02d}": m for i, m in enumerate(maps)}
    header = {
        f"ENERG{i:03d}": (e, f"GeV, node of column EXPOSURE_{i:02d}")
        for i, e in enumerate(response.energies_gev)
    }
    header.update(PERIOD=snakemake.params.period, BUNIT=("m2 s", "exposure"), NNODES=len(maps))
    write_maps(snakemake.output.maps, names, {n: "m2 s" for n in names}, header)
    log.info(
        "exposure at %d nodes, Nside %d, from %d cells",
        len(maps),
        snakemake.params.nside,
        len(cube.livetime_s),
    )
