"""The Mollweide sky panels: the image's pixels against matplotlib's own projection."""

import healpy as hp
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from calet_aniso.figures.mollweide import IMAGE_SIZE, _image_pixels, _projected, sky_panel


def test_image_pixels_follow_matplotlib_mollweide():
    """Each pixel centre of a coarse map, placed on a panel by matplotlib's Mollweide transform
    (l mirrored, as the markers are), lands on an image sample showing that pixel."""
    nside = 4
    fig = plt.figure()
    ax = fig.add_subplot(1, 1, 1, projection="mollweide")
    l_deg, b_deg = hp.pix2ang(nside, np.arange(hp.nside2npix(nside)), lonlat=True)
    x, y = _projected(l_deg, b_deg)
    axes_xy = ax.transAxes.inverted().transform(ax.transData.transform(np.column_stack([x, y])))
    plt.close(fig)
    width, height = IMAGE_SIZE
    column = np.floor(axes_xy[:, 0] * width).astype(int)
    row = np.floor(axes_xy[:, 1] * height).astype(int)
    on_edge = np.abs(np.abs(x) - np.pi) < 1e-9  # l = 180°: either side of the map
    shown = _image_pixels(nside)[row, column]
    assert np.array_equal(shown[~on_edge], np.arange(hp.nside2npix(nside))[~on_edge])


def test_image_pixels_cover_the_ellipse_only():
    """Inside the ellipse every sample shows a pixel; outside none; the ellipse's area is
    π/4 of its bounding box, to the sampling's resolution."""
    pixels = _image_pixels(8)
    inside = pixels >= 0
    assert inside.mean() == pytest.approx(np.pi / 4, abs=2.0 / IMAGE_SIZE[1])
    counts = np.bincount(pixels[inside], minlength=hp.nside2npix(8))
    # equal-area pixels: as many samples each, to the pixel outlines' share of samples
    assert counts.min() > 0.7 * counts.mean() and counts.max() < 1.3 * counts.mean()


def test_sky_panel_draws_map_and_unseen_pixels():
    """The panel's image holds the map's values where the sky is seen and masks the unseen
    (NaN) pixels, which the colour map draws grey."""
    nside = 8
    sky = np.arange(hp.nside2npix(nside), dtype=float)
    sky[:10] = np.nan
    fig = plt.figure()
    ax = sky_panel(fig, 111, sky, "t", "u", low=0.0, high=float(np.nanmax(sky)))
    image = ax.get_images()[0].get_array()
    pixels = _image_pixels(nside)
    seen = (pixels >= 0) & (pixels >= 10)
    assert np.array_equal(image[seen], sky[pixels[seen]])
    assert image.mask[(pixels >= 0) & (pixels < 10)].all()
    assert ax.get_images()[0].get_cmap().get_bad()[:3] == pytest.approx(
        matplotlib.colors.to_rgb("grey")
    )
    plt.close(fig)
