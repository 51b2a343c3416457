"""Exposure: ``livetime_cube`` (live time binned by attitude), ``projection`` (the response
projected on the sky, fast and brute force), ``lowrank`` (energy split of the response),
``node_maps`` (exposure at the response's nodes, FITS), ``average`` (average exposure of a
threshold sample, FITS)."""
