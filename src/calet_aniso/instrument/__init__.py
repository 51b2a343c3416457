"""The instrument: ``response`` (detector-frame effective-area maps at energy nodes, FITS) and
``response_design`` (the geometric CALET-like telescope the shipped response is built from)."""
