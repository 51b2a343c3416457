"""Rule exposure_maps: exposure (m² s) at every energy node of the response, Galactic HEALPix."""

import numba

from calet_aniso.exposure.livetime_cube import LivetimeCube
from calet_aniso.exposure.node_maps import NodeExposure
from calet_aniso.exposure.projection import exposure_from_cube
from calet_aniso.instrument.response import read_response
from calet_aniso.io.progress import Progress
from calet_aniso.io.rule_log import rule_log

with rule_log(snakemake.log[0], "exposure_maps", exit_when_done=True) as log:
    numba.set_num_threads(max(1, min(snakemake.threads, numba.config.NUMBA_NUM_THREADS)))
    cube = LivetimeCube.read(snakemake.input.cube)
    response = read_response(snakemake.input.response)
    progress = Progress(log, "exposure", len(cube.livetime_s), "attitude cells")
    maps = exposure_from_cube(cube, response, snakemake.params.nside, progress)
    NodeExposure(response.energies_gev, maps, snakemake.params.period).write(snakemake.output.maps)
    log.info(
        "exposure at %d nodes, Nside %d, from %d cells",
        len(maps),
        snakemake.params.nside,
        len(cube.livetime_s),
    )
