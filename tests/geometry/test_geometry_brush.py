"""The pain finder's brush: soft round dabs along the skin, erasing, area per region."""

from __future__ import annotations

import numpy as np
import pytest

from viewer.geometry.brush import BrushError, PainDrawing
from viewer.geometry.surface import SurfaceGraph


def _vertex(mesh, x: float, y: float) -> int:
    return int(np.argmin(np.linalg.norm(mesh.points - [x, y, 0.0], axis=1)))


def test_a_dab_covers_about_pi_r_squared(plane, geo):
    drawing = PainDrawing(plane)
    drawing.paint(np.array([0.06, 0.1, 0.0]), 0.02)
    coverage = drawing.region_coverage(geo.PLANE_REGIONS)
    assert set(coverage) == {("west", "right")}
    assert abs(coverage[("west", "right")] - np.pi * 0.02**2) / (np.pi * 0.02**2) < 0.05


def test_a_dab_is_soft_and_solid_in_the_middle(plane):
    drawing = PainDrawing(plane)
    drawing.paint(_vertex(plane, 0.06, 0.1), 0.02)
    w = drawing.painted
    r = np.linalg.norm(plane.points - plane.points[_vertex(plane, 0.06, 0.1)], axis=1)
    assert np.all(w[r < 0.014] == 1.0)
    assert np.all(w[r > 0.026] == 0.0)
    assert np.any((w > 0.1) & (w < 0.9))
    assert w.dtype == np.float32 and not w.flags.writeable


def test_painting_twice_does_not_add_up_and_erase_removes(plane, geo):
    drawing = PainDrawing(plane)
    drawing.paint(_vertex(plane, 0.06, 0.1), 0.02)
    once = drawing.region_coverage(geo.PLANE_REGIONS)[("west", "right")]
    drawing.paint(_vertex(plane, 0.06, 0.1), 0.02)
    assert drawing.region_coverage(geo.PLANE_REGIONS)[("west", "right")] == pytest.approx(once)
    drawing.paint(_vertex(plane, 0.06, 0.1), 0.04, erase=True)
    assert drawing.is_empty and drawing.region_coverage(geo.PLANE_REGIONS) == {}


def test_partial_erase_and_clear(plane, geo):
    drawing = PainDrawing(plane)
    drawing.paint(_vertex(plane, 0.06, 0.1), 0.03)
    full = drawing.region_coverage(geo.PLANE_REGIONS)[("west", "right")]
    drawing.paint(_vertex(plane, 0.06, 0.1), 0.01, erase=True)
    left = drawing.region_coverage(geo.PLANE_REGIONS)[("west", "right")]
    assert left == pytest.approx(full - np.pi * 0.01**2, rel=0.1)
    assert drawing.painted[_vertex(plane, 0.06, 0.1)] == 0.0
    drawing.clear()
    assert drawing.is_empty


def test_the_brush_does_not_cross_a_slit(plane, geo):
    drawing = PainDrawing(plane)
    drawing.paint(_vertex(plane, 0.116, 0.06), 0.02)
    coverage = drawing.region_coverage(geo.PLANE_REGIONS)
    assert ("east", "right") not in coverage
    assert coverage[("west", "right")] > 0.3 * np.pi * 0.02**2


def test_coverage_keys_use_region_ids_and_sides(sphere, geo):
    drawing = PainDrawing(sphere)
    drawing.paint(np.array([0.0, 0.0, 0.1]), 0.015)     # on the pole: 'cap', both halves
    drawing.paint(np.array([-0.1, 0.0, -0.03]), 0.015)  # left 'lower'
    coverage = drawing.region_coverage(geo.SPHERE_REGIONS)
    assert set(coverage) == {("cap", "left"), ("cap", "right"), ("lower", "left")}
    # vertices on x = 0 count as right (the asset contract), so the halves differ a little
    cap = coverage[("cap", "left")] + coverage[("cap", "right")]
    assert min(coverage[("cap", "left")], coverage[("cap", "right")]) > 0.25 * cap
    assert cap == pytest.approx(np.pi * 0.015**2, rel=0.08)


def test_ticking_regions_paints_them_whole(sphere, geo):
    drawing = PainDrawing.from_regions(sphere, geo.SPHERE_REGIONS, ["cap", ("upper", "left")])
    coverage = drawing.region_coverage(geo.SPHERE_REGIONS)
    areas = SurfaceGraph.of(sphere).vertex_areas
    region, side = sphere.arrays["region"], sphere.arrays["side"]
    assert set(coverage) == {("cap", "left"), ("cap", "right"), ("upper", "left")}
    assert coverage[("upper", "left")] == pytest.approx(areas[(region == 2) & (side < 0)].sum())
    with pytest.raises(BrushError, match="region 'elbow'"):
        drawing.tick_regions(geo.SPHERE_REGIONS, ["elbow"])
    with pytest.raises(BrushError, match="side must be"):
        drawing.tick_regions(geo.SPHERE_REGIONS, [("cap", "middle")])


@pytest.mark.parametrize(("where", "radius", "message"), [
    (10**7, 0.01, "vertex index"),
    (np.array([0.0, 1.0]), 0.01, "3D point"),
    (0, -1.0, "radius"),
])
def test_bad_brush_input_is_named(plane, where, radius, message):
    with pytest.raises(BrushError, match=message):
        PainDrawing(plane).paint(where, radius)
