"""Skin overlay colours: blending rules, in-place writes, stripes only where the mesh allows."""

from __future__ import annotations

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from viewer.scene import theme  # noqa: E402
from viewer.scene.overlay import SkinOverlay  # noqa: E402


def skin(radius: float, resolution: int) -> pv.PolyData:
    poly = pv.Sphere(radius=radius, theta_resolution=resolution, phi_resolution=resolution)
    poly.point_data.set_array(np.zeros((poly.n_points, 3), np.uint8), "rgb")
    return poly


def test_zone_colours_blend_over_the_skin_tone():
    poly = skin(0.1, 30)
    overlay = SkinOverlay(poly)
    n = poly.n_points
    essential = np.zeros(n, np.float32)
    spillover = np.zeros(n, np.float32)
    essential[:10], spillover[10:20] = 1.0, 1.0
    essential[20] = 0.5
    overlay.set_zones(essential, spillover)
    rgb = poly.point_data["rgb"].astype(float)
    assert np.allclose(rgb[:10], np.round(theme.rgb(theme.ESSENTIAL) * 255), atol=1)
    assert np.allclose(rgb[30:], np.round(theme.rgb(theme.SKIN) * 255), atol=1)
    half = (theme.rgb(theme.ESSENTIAL) + theme.rgb(theme.SKIN)) / 2 * 255
    assert np.allclose(rgb[20], half, atol=1)
    blue = rgb[10:20]
    assert np.all(blue[:, 2] > blue[:, 0] + 30), "spillover is the blue tone"


def test_stripes_only_on_a_fine_mesh():
    fine = SkinOverlay(skin(0.1, 120))  # about 5 mm edges
    coarse = SkinOverlay(skin(0.1, 12))  # about 5 cm edges
    assert fine.striped and not coarse.striped
    poly = fine.poly
    fine.set_zones(None, np.ones(poly.n_points, np.float32))
    tones = {tuple(c) for c in np.asarray(poly.point_data["rgb"])}
    assert len(tones) > 10, "a striped zone has light and dark stripes"
