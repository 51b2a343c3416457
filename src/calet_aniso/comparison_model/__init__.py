"""Comparison model: e± propagation from point sources, fluxes and anisotropy (seed section 4).

One module per concept: ``constants`` (units), ``diffusion`` (eq. 4.1), ``losses``
(synchrotron + inverse Compton, Thomson regime), ``diffusion_length`` (λ²), ``green``
(point-source solution of the diffusion–loss equation, burst and finite duration),
``injection`` (source spectra normalised to a total energy), ``anisotropy`` (dipole from
the density gradient, analytic and by the finite difference of eq. 4.2).
"""
