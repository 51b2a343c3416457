"""The comparison model: e± propagation from point sources, fluxes, the fit and the Vela SNR
anisotropy (proceedings section 4).

Physics: ``constants`` (units), ``diffusion`` (eq. 4.1), ``losses`` (synchrotron + inverse
Compton, Thomson regime), ``diffusion_length`` (λ²), ``green`` (point-source solution of the
diffusion–loss equation, burst and finite duration; flux ↔ density), ``injection`` (source
spectra normalised to a total energy), ``anisotropy`` (dipole from the density gradient,
analytic and by the finite difference of eq. 4.2). Sources and flux: ``pulsars`` (ATNF
catalogue), ``flux`` (primaries, secondaries, pulsars, Vela SNR). Fit: ``fit`` (iminuit),
``configuration`` (the model of a config), ``variants`` (their names), ``fit_products``
(fitted variants as files).
Anisotropy: ``sky_dipole`` (all point sources as vectors), ``vela_prediction`` (the Vela SNR
model's dipole per energy, threshold and Fermi-LAT bin, as files).
"""
