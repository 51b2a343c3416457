"""CALET electron+positron anisotropy analysis.

One module per concept: data contracts and their validation (``contracts``,
``validate``), file I/O at the edges (``tables``), time systems (``timesys``),
coordinate frames (``frames``, ``attitude``), the instrument response
(``response``, ``response_model``), the simulated observation (``orbit``,
``livetime``, ``spectrum``, ``simulate``) and ingest (``ingest``).
"""

__version__ = "0.1.0"
