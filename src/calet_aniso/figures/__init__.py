"""Figures of the proceedings, one module each (``fig1_exposure``, ``fig2_flux_model``,
``fig3_dipole``, ``fig3b_multipoles``, ``fig4_vela``), and their shared ``style``."""
