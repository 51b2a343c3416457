"""Geometry: ``frames`` (detector frame, ICRS, Galactic; unit vectors and directions) and
``attitude`` (the detector attitude at event times, interpolated between orbit intervals)."""
