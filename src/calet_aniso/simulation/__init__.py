"""The simulated CALET-like observation, written in the formats real data come in:
``orbit`` (circular ISS orbit from two-line elements), ``livetime_model`` (SAA and dead time),
``observation`` (orbit table and events, isotropic or with an injected dipole)."""
