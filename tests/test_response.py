"""The shipped CALET-like response: acceptance, field of view, analytic limits, file format."""

import healpy as hp
import numpy as np
import pytest

from calet_aniso.errors import InputError
from calet_aniso.instrument.response import Response, read_response, write_response
from calet_aniso.instrument.response_design import TASC_SIDE_M, geometric_area_m2


def test_acceptance_and_field_of_view(response):
    acceptance = response.acceptance_m2sr()
    above_100 = response.energies_gev >= 100
    assert np.all((acceptance[above_100] > 0.07) & (acceptance[above_100] < 0.13))
    # Mild energy dependence: within 15 % over the whole range.
    assert acceptance.max() / acceptance.min() < 1.15
    theta, _ = hp.pix2ang(response.nside, np.arange(hp.nside2npix(response.nside)))
    for aeff in response.aeff_m2:
        order = np.argsort(theta)
        contained = np.cumsum(aeff[order]) / aeff.sum()
        theta95 = np.degrees(theta[order][np.searchsorted(contained, 0.95)])
        assert 40 < theta95 < 50, theta95
        assert np.all(aeff[theta > np.radians(65)] == 0)


def test_on_axis_area_is_the_calorimeter_area():
    """At normal incidence the overlap is the smaller (TASC) square."""
    assert geometric_area_m2(np.array([0.0]), np.array([0.0]), 0.3)[0] == pytest.approx(
        TASC_SIDE_M**2
    )
    # Beyond the geometric cut-off along +x nothing is accepted.
    cut = np.arctan((0.450 + 0.326) / 2 / 0.3)
    assert geometric_area_m2(np.array([cut + 1e-6]), np.array([0.0]), 0.3)[0] == 0.0


def test_energy_interpolation_is_log_linear(response):
    e0, e1 = response.energies_gev[3:5]
    middle = np.sqrt(e0 * e1)
    weights = response.node_weight_matrix(np.array([middle, e0, 1.0, 1e6]))
    np.testing.assert_allclose(weights[0, 3:5], [0.5, 0.5])
    assert weights[1, 3] == 1.0
    assert weights[2, 0] == 1.0 and weights[3, -1] == 1.0  # held at the end nodes


def test_response_file_round_trip(tmp_path, response):
    write_response(response, tmp_path / "r.fits")
    again = read_response(tmp_path / "r.fits")
    np.testing.assert_allclose(again.aeff_m2, response.aeff_m2, rtol=1e-7)
    np.testing.assert_array_equal(again.energies_gev, response.energies_gev)
    assert "NOT THE CALET RESPONSE" in response.description


def test_bad_response_file(tmp_path):
    bad = Response(energies_gev=np.array([10.0, 5.0]), aeff_m2=np.ones((2, 12)))
    write_response(bad, tmp_path / "bad.fits")
    with pytest.raises(InputError, match="strictly increasing"):
        read_response(tmp_path / "bad.fits")


def test_response_units_are_honoured(tmp_path, response):
    """A response written in MeV and cm² reads as the same response in GeV and m²; a
    response whose units are missing or of the wrong kind is refused, naming the column."""
    from astropy.io import fits

    write_response(response, tmp_path / "r.fits")
    with fits.open(tmp_path / "r.fits") as hdul:
        maps = hdul["EFFECTIVE_AREA"]
        columns = [
            fits.Column(name=c.name, format="D", unit="cm2", array=maps.data[c.name] * 1e4)
            for c in maps.columns
        ]
        area = fits.BinTableHDU.from_columns(columns, header=maps.header, name="EFFECTIVE_AREA")
        energies = fits.BinTableHDU.from_columns(
            [fits.Column(name="ENERGY", format="D", unit="MeV", array=response.energies_gev * 1e3)],
            name="ENERGIES",
        )
        fits.HDUList([hdul[0].copy(), area, energies]).writeto(tmp_path / "mev_cm2.fits")
        for name, unit in (("no_unit", ""), ("wrong_unit", "s")):
            energies.columns["ENERGY"].unit = unit
            fits.HDUList([hdul[0].copy(), area, energies]).writeto(tmp_path / f"{name}.fits")
    again = read_response(tmp_path / "mev_cm2.fits")
    np.testing.assert_allclose(again.energies_gev, response.energies_gev, rtol=1e-12)
    np.testing.assert_allclose(again.aeff_m2, response.aeff_m2, rtol=1e-6)
    with pytest.raises(InputError, match=r"no_unit\.fits: column 'ENERGY': no unit"):
        read_response(tmp_path / "no_unit.fits")
    with pytest.raises(InputError, match=r"wrong_unit\.fits: column 'ENERGY': unit 's' cannot"):
        read_response(tmp_path / "wrong_unit.fits")


def test_response_pixels_must_be_a_healpix_map_of_its_nside(tmp_path, response):
    """A wrong pixel count, or an NSIDE keyword that disagrees with it, is named."""
    from astropy.io import fits

    write_response(response, tmp_path / "r.fits")
    with fits.open(tmp_path / "r.fits") as hdul:
        maps = hdul["EFFECTIVE_AREA"]
        short = [
            fits.Column(name=c.name, format="D", unit=c.unit, array=maps.data[c.name][:50])
            for c in maps.columns
        ]
        hdul["EFFECTIVE_AREA"] = fits.BinTableHDU.from_columns(short, name="EFFECTIVE_AREA")
        hdul.writeto(tmp_path / "odd.fits")
    with pytest.raises(InputError, match="50 pixels per map is not a HEALPix size"):
        read_response(tmp_path / "odd.fits")
    with fits.open(tmp_path / "r.fits") as hdul:
        hdul["EFFECTIVE_AREA"].header["NSIDE"] = response.nside * 2
        hdul.writeto(tmp_path / "wrong_nside.fits")
    with pytest.raises(InputError, match=f"NSIDE keyword {response.nside * 2} disagrees"):
        read_response(tmp_path / "wrong_nside.fits")
    zero = Response(energies_gev=np.array([10.0, 20.0]), aeff_m2=np.zeros((2, 12)))
    write_response(zero, tmp_path / "zero.fits")
    with pytest.raises(InputError, match="zero everywhere"):
        read_response(tmp_path / "zero.fits")


def test_field_of_view_is_the_farthest_seen_pixel(response):
    """θ_max of the shipped response against a brute-force scan of its pixels."""
    theta, _ = hp.pix2ang(response.nside, np.arange(hp.nside2npix(response.nside)))
    seen = (response.aeff_m2 > 0).any(axis=0)
    farthest = np.degrees(theta[seen]).max()
    resolution = np.degrees(hp.nside2resol(response.nside))
    assert response.field_of_view_deg() == pytest.approx(farthest + resolution, abs=1e-9)
    assert 45.0 < farthest < 90.0  # a downward-looking calorimeter's acceptance
