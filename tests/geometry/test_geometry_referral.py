"""Referral zones painted on synthetic skins: regions, shapes, soft edges, sides, gaps."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from viewer.domain.model import Side, Zone, ZoneShape
from viewer.geometry.meshes import MeshData
from viewer.geometry.referral import ReferralError, ReferralRasteriser
from viewer.geometry.surface import SurfaceGraph


@pytest.fixture(scope="module")
def raster(sphere, geo) -> ReferralRasteriser:
    return ReferralRasteriser(sphere, geo.SPHERE_REGIONS, geo.sphere_landmarks())


def _in(mesh, name: str, side: int, regions=("cap", "strip", "upper", "lower")) -> np.ndarray:
    return (mesh.arrays["region"] == regions.index(name)) & (mesh.arrays["side"] == side)


def _distance_to(mesh, mask: np.ndarray) -> np.ndarray:
    graph = SurfaceGraph.of(mesh)
    return graph.distances(np.flatnonzero(mask), 1.0)


def test_midline_regions_are_found_from_the_mesh(raster):
    assert raster.midline_regions == frozenset({"cap", "strip"})


def test_a_listed_region_is_painted_on_its_side_only(raster, sphere, geo):
    tp = geo.make_tp("regions_only", Zone(regions=("upper",)))
    essential, spillover = raster.weights(tp, Side.RIGHT)
    target = _in(sphere, "upper", 1)
    areas = SurfaceGraph.of(sphere).vertex_areas
    assert essential.dtype == np.float32 and essential.shape == (sphere.n_points,)
    # all but the rounded-off corners is painted; the painted area is about the region's
    assert areas[target & (essential > 0.0)].sum() > 0.97 * areas[target].sum()
    assert areas[target & (essential >= 0.5)].sum() > 0.9 * areas[target].sum()
    assert 0.85 < float(areas @ essential) / areas[target].sum() < 1.05
    # deep inside the region it is solid
    deep = target & (_distance_to(sphere, ~target) > 0.03)
    assert deep.any() and np.all(essential[deep] == 1.0)
    # nothing in unlisted regions beyond the soft edge (half the 15 mm feather past the edge,
    # which lies within an edge length, ~7 mm here, of the region's last vertex)
    far = ~target & (_distance_to(sphere, target) > 0.0075 + 0.0075)
    assert np.all(essential[far] == 0.0)
    assert np.all(essential[sphere.arrays["side"] < 0] == 0.0)
    assert not spillover.any()


def test_region_paint_has_soft_rounded_edges(raster, sphere, geo):
    essential, _ = raster.weights(geo.make_tp("soft", Zone(regions=("upper",))), Side.RIGHT)
    between = (essential > 0.05) & (essential < 0.95)
    assert between.sum() >= 20
    target = _in(sphere, "upper", 1)
    # the blob does not fill the region's corners: some region vertices are below full weight
    assert np.any(essential[target] < 1.0)


def test_a_midline_region_is_painted_on_the_same_half_and_feathered_across(raster, sphere, geo):
    essential, _ = raster.weights(geo.make_tp("cap", Zone(regions=("cap",))), Side.RIGHT)
    x, z = sphere.points[:, 0], sphere.points[:, 2]
    cap = sphere.arrays["region"] == 0
    assert np.all(essential[cap & (x > 0.01) & (z > 0.085)] == 1.0)
    assert np.all(essential[cap & (x < -0.02)] == 0.0)
    across = cap & (x < 0) & (x > -0.012) & (z > 0.085)
    assert across.any() and np.all(essential[across] > 0.0)


def test_a_disk_is_measured_along_the_surface_with_a_soft_rim(raster, sphere, geo):
    tp = geo.make_tp("disk", Zone(regions=(), shapes=(geo.disk("east", 30),)))
    essential, _ = raster.weights(tp, Side.RIGHT)
    d = geo.great_circle(sphere, [1.0, 0.0, 0.0])
    # the rim is 30 % of the radius wide, or 1.5 mesh edges on a coarse mesh like this one
    half_rim = max(0.3 * 0.03, 1.5 * SurfaceGraph.of(sphere).mean_edge) / 2 + 0.0005
    assert np.all(essential[d < 0.030 - half_rim] == 1.0)
    assert np.all(essential[d > 0.030 + half_rim] == 0.0)
    rim = (d > 0.028) & (d < 0.032)
    assert rim.any() and np.all((essential[rim] > 0.1) & (essential[rim] < 0.9))
    area = float(SurfaceGraph.of(sphere).vertex_areas @ essential)
    cap_area = 2 * np.pi * geo.SPHERE_R**2 * (1 - np.cos(0.03 / geo.SPHERE_R))
    assert abs(area - cap_area) / cap_area < 0.05


def test_a_disk_does_not_jump_across_a_gap(plane, geo):
    landmarks = {"spot_r": np.array([0.116, 0.06, -0.01])}     # 4 mm west of the slit
    raster = ReferralRasteriser(plane, geo.PLANE_REGIONS, landmarks)
    essential, _ = raster.weights(geo.make_tp("gap", Zone(regions=(), shapes=(geo.disk("spot", 25),))),
                                  Side.RIGHT)
    east = plane.arrays["region"] == 1
    west_near = ~east & (np.linalg.norm(plane.points - [0.116, 0.06, 0.0], axis=1) < 0.02)
    assert np.all(essential[west_near] == 1.0)
    assert np.all(essential[east] == 0.0)
    # in straight-line terms, plenty of the east side is inside the disk
    assert np.sum(east & (np.linalg.norm(plane.points - [0.116, 0.06, 0.0], axis=1) < 0.02)) > 15


def test_ellipse_follows_its_axis(plane, geo):
    landmarks = {"c_r": np.array([0.06, 0.1, 0.0]), "up_r": np.array([0.06, 0.2, 0.0])}
    raster = ReferralRasteriser(plane, geo.PLANE_REGIONS, landmarks)
    shape = ZoneShape(kind="ellipse", anchors=("c",), radius_mm=40, minor_mm=15, toward="up")
    w, _ = raster.weights(geo.make_tp("ellipse", Zone(regions=(), shapes=(shape,))), Side.RIGHT)
    at = lambda x, y: w[int(np.argmin(np.linalg.norm(plane.points - [x, y, 0.0], axis=1)))]
    assert at(0.06, 0.1 + 0.032) == 1.0 and at(0.06, 0.1 - 0.032) == 1.0
    assert at(0.06 + 0.032, 0.1) == 0.0 and at(0.06 - 0.032, 0.1) == 0.0
    assert at(0.06, 0.1 + 0.052) == 0.0
    assert at(0.06 + 0.008, 0.1) == 1.0


def test_band_paints_along_the_path_between_its_anchors(plane, geo):
    landmarks = {"a_r": np.array([0.02, 0.048, 0.0]), "b_r": np.array([0.10, 0.048, 0.0]),
                 "c_r": np.array([0.10, 0.148, 0.0])}
    raster = ReferralRasteriser(plane, geo.PLANE_REGIONS, landmarks)
    band = ZoneShape(kind="band", anchors=("a", "b", "c"), radius_mm=10)
    w, _ = raster.weights(geo.make_tp("band", Zone(regions=(), shapes=(band,))), Side.RIGHT)
    at = lambda x, y: w[int(np.argmin(np.linalg.norm(plane.points - [x, y, 0.0], axis=1)))]
    assert at(0.06, 0.048) == 1.0 and at(0.06, 0.052) == 1.0 and at(0.104, 0.10) == 1.0
    assert 0.0 < at(0.06, 0.048 + 0.012) < 1.0
    assert at(0.06, 0.072) == 0.0 and at(0.06, 0.10) == 0.0 and at(0.10, 0.172) == 0.0


def test_left_side_mirrors_the_right(raster, sphere, geo):
    shapes = (geo.disk("front", 25, offset=(15.0, 0.0, 10.0)),
              ZoneShape(kind="ellipse", anchors=("low",), radius_mm=30, minor_mm=12, toward="east"))
    tp = geo.make_tp("mirror", Zone(regions=("upper",), shapes=shapes), Zone(regions=("lower",)))
    right = raster.weights(tp, Side.RIGHT)
    left = raster.weights(tp, Side.LEFT)
    mirror = cKDTree(sphere.points).query(sphere.points * np.array([-1.0, 1.0, 1.0]))[1]
    for r, l in zip(right, left):
        assert r.any()
        assert np.allclose(l[mirror], r, atol=1e-3)
    # the offset moved the disk to +x on the right and to -x on the left
    right_centre = (sphere.points * right[0][:, None]).sum(0) / right[0].sum()
    assert right_centre[0] > 0


def test_essential_wins_over_spillover(raster, sphere, geo):
    tp = geo.make_tp("overlap", Zone(regions=(), shapes=(geo.disk("east", 20),)),
                     Zone(regions=(), shapes=(geo.disk("east", 40),)))
    essential, spillover = raster.weights(tp, Side.RIGHT)
    assert np.all(spillover[essential > 0.5] == 0.0)
    ring = (essential == 0.0) & (spillover == 1.0)
    assert ring.sum() > 20


def test_a_region_covered_by_shapes_is_left_to_the_shapes(raster, sphere, geo):
    # a 90 mm disk at 'up' covers about 65 % of the right 'upper' region: the region adds nothing
    shape_only = geo.make_tp("shape", Zone(regions=(), shapes=(geo.disk("up", 90),)))
    both = geo.make_tp("both", Zone(regions=("upper",), shapes=(geo.disk("up", 90),)))
    assert np.array_equal(raster.weights(shape_only, Side.RIGHT)[0], raster.weights(both, Side.RIGHT)[0])
    # a small disk does not cover it, so the whole region is painted as well
    small = geo.make_tp("small", Zone(regions=("lower",), shapes=(geo.disk("up", 15),)))
    essential, _ = raster.weights(small, Side.RIGHT)
    assert np.all(essential[_in(sphere, "lower", 1) & (sphere.points[:, 2] < -0.03)] > 0.0)


def test_partial_cover_fades_the_region_instead_of_flipping_it(raster, sphere, geo):
    # a 32 mm disk covers about 5 % of 'upper': between 'fully painted' and 'left to shapes'
    tp = geo.make_tp("partial", Zone(regions=("upper",), shapes=(geo.disk("up", 32),)))
    essential, _ = raster.weights(tp, Side.RIGHT)
    far_from_disk = _in(sphere, "upper", 1) & (geo.great_circle(sphere, [0.7, 0.0, 0.7]) > 0.1)
    deep = far_from_disk & (_distance_to(sphere, ~_in(sphere, "upper", 1)) > 0.025)
    assert deep.any()
    assert np.all((essential[deep] > 0.05) & (essential[deep] < 0.95))
    assert np.ptp(essential[deep]) < 1e-6        # one uniform fade over the region's solid part


def test_weights_are_cached_and_read_only(raster, geo):
    tp = geo.make_tp("cached", Zone(regions=("lower",)))
    first = raster.weights(tp, Side.LEFT)
    assert raster.weights(tp, Side.LEFT)[0] is first[0]
    with pytest.raises(ValueError):
        first[0][0] = 1.0


@pytest.mark.parametrize(("zone", "message"), [
    (Zone(regions=("nowhere",)), "trigger point bad: essential: region 'nowhere'"),
    (Zone(regions=(), shapes=(ZoneShape(kind="disk", anchors=("nose",), radius_mm=10),)),
     "trigger point bad: essential shape 1: landmark 'nose'"),
    (Zone(regions=(), shapes=(ZoneShape(kind="star", anchors=("pole",), radius_mm=10),)),
     "essential shape 1: field 'kind'"),
])
def test_bad_zones_give_one_clear_message(raster, geo, zone, message):
    with pytest.raises(ReferralError, match=message):
        raster.weights(geo.make_tp("bad", zone), Side.RIGHT)


def test_skin_without_regions_is_rejected(geo, sphere):
    bare = MeshData(sphere.points, sphere.faces, sphere.normals, {})
    with pytest.raises(ReferralError, match="array 'region'"):
        ReferralRasteriser(bare, geo.SPHERE_REGIONS, {})
