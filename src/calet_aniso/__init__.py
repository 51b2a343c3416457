"""CALET electron+positron anisotropy analysis (the CALET collaboration's ICRC 2019 proceedings).

Subpackages follow the pipeline's stages:

``config``
    the configuration: schema and loading, parse-time checks, the catalogue of result paths.
``io``
    files at the edges: raw contract tables, HEALPix FITS maps, atomic writes, rule logs.
``geometry``
    coordinate frames (detector, ICRS, Galactic) and attitude interpolation.
``instrument``
    the instrument response (effective-area maps) and the design of the shipped one.
``ingest``
    the data contract, its validation, time systems and the normalised tables.
``simulation``
    the simulated CALET-like observation: ISS orbit, live-time model, events.
``exposure``
    live-time cube, exposure at the response's energy nodes, average exposure per threshold.
``analysis``
    sky maps, the statistics of a sky (one implementation for data and Monte Carlo), the
    headline table.
``montecarlo``
    isotropic skies: random streams, alias tables, the sampler, expected counts, sample
    tables, bands, calibration.
``comparison_model``
    the e± flux model, its fit and the Vela SNR anisotropy (proceedings section 4).
``figures``
    one module per figure of the proceedings.

``flux_tables`` reads the shipped flux tables; ``errors`` holds the input and config errors.
"""

__version__ = "0.1.0"
