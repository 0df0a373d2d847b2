"""The curved primitives of bones.yaml: ``sheet`` (a thickened spline patch), ``cup`` (a socket) and
``group`` (a union with cavities cut out of it: the orbits, the nasal aperture)."""

from __future__ import annotations

import numpy as np
import pytest

from viewer.anatomy.errors import AnatomyDataError
from viewer.anatomy.points import Landmark, Skeleton
from viewer.anatomy.sdf import Carved, Cup, Ellipsoid, Sheet, _spline, primitive

WHERE = "data/anatomy/bones.yaml"


def _skeleton() -> Skeleton:
    lms = {"glenohumeral_centre": Landmark("glenohumeral_centre", np.array([0.1, 0.0, 0.8]), "humerus"),
           "hip_centre": Landmark("hip_centre", np.array([0.045, 0.035, 0.51]), "femur")}
    return Skeleton(lms, 1.755, 0.0)


def _cup(cover_deg: float = 90.0) -> Cup:
    return Cup(np.array([0.1, 0.0, 0.9]), np.array([1.0, 0.0, -1.0]), 0.03, 0.006, np.radians(cover_deg))


def _brute_cup_distance(cup: Cup, p: np.ndarray) -> np.ndarray:
    """Distance to a dense sampling of the cup's mid-wall, minus half the wall."""
    pole = -cup.axis
    side = np.cross(pole, [0.0, 1.0, 0.0])
    side /= np.linalg.norm(side)
    up = np.cross(pole, side)
    theta, phi = np.meshgrid(np.linspace(0, cup.cover, 400), np.linspace(0, 2 * np.pi, 720), indexing="ij")
    dirs = (np.cos(theta)[..., None] * pole + np.sin(theta)[..., None]
            * (np.cos(phi)[..., None] * side + np.sin(phi)[..., None] * up))
    wall = (cup.c + cup.radius * dirs).reshape(-1, 3)
    from scipy.spatial import cKDTree

    d, _ = cKDTree(wall).query(p)
    return d - cup.thickness / 2


def test_cup_distance_matches_a_dense_sampling_of_its_wall():
    rng = np.random.default_rng(3)
    for cover in (60.0, 100.0, 150.0):
        cup = _cup(cover)
        p = cup.c + rng.uniform(-0.05, 0.05, size=(300, 3))
        assert np.allclose(cup.distance(p), _brute_cup_distance(cup, p), atol=4e-4)


def test_cup_is_hollow_and_open_towards_its_axis():
    cup = _cup(95.0)
    centre = cup.distance(cup.c[None])[0]
    assert centre == pytest.approx(cup.radius - cup.thickness / 2)          # the socket is empty
    bottom = cup.c - cup.axis / np.linalg.norm(cup.axis) * cup.radius
    assert cup.distance(bottom[None])[0] == pytest.approx(-cup.thickness / 2)  # the wall at the pole
    mouth = cup.c + cup.axis / np.linalg.norm(cup.axis) * cup.radius
    assert cup.distance(mouth[None])[0] > cup.radius / 2                     # nothing across the opening


def test_mirrored_cup_and_sheet_are_mirror_images():
    rng = np.random.default_rng(5)
    p = rng.uniform([-0.15, -0.05, 0.85], [0.15, 0.05, 0.95], size=(200, 3))
    flip = np.array([-1.0, 1.0, 1.0])
    cup = _cup(100.0)
    assert np.allclose(cup.mirrored().distance(p * flip), cup.distance(p))
    sheet = _curved_sheet()
    assert np.allclose(sheet.mirrored().distance(p * flip), sheet.distance(p))


def test_spline_passes_through_its_points_and_two_points_give_a_line():
    pts = np.array([[0.0, 0.0], [1.0, 2.0], [2.0, 0.5], [4.0, 1.0]])
    dense = _spline(pts, 3 * 5 + 1, axis=0)
    assert np.allclose(dense[::5], pts)
    line = _spline(pts[:2], 11, axis=0)
    assert np.allclose(line, np.linspace(pts[0], pts[1], 11))


def _curved_sheet(thickness: np.ndarray | None = None) -> Sheet:
    """A 3 x 3 grid 8 cm square in a plane z = 0.9, its middle point raised 1 cm."""
    x, y = np.meshgrid([0.02, 0.06, 0.1], [-0.04, 0.0, 0.04], indexing="ij")
    z = np.full_like(x, 0.9)
    z[1, 1] += 0.01
    t = np.full((3, 3), 0.004) if thickness is None else thickness
    return Sheet(np.stack([x, y, z], axis=2), t, 0.001)


def test_sheet_passes_through_its_grid_and_is_as_thick_as_asked():
    sheet = _curved_sheet()
    assert np.allclose(sheet.distance(sheet.grid.reshape(-1, 3)), -0.002, atol=1e-4)
    # above and below the flat corner, the distance is the height minus half the thickness
    corner = np.array([[0.021, -0.039, 0.91], [0.021, -0.039, 0.89]])
    assert np.allclose(sheet.distance(corner), 0.01 - 0.002, atol=2e-4)
    # the raised middle bends the sheet: its surface lies above the flat plane there
    assert sheet.distance(np.array([[0.06, 0.0, 0.9]]))[0] > 0.005


def test_sheet_thickness_may_vary_over_the_grid():
    t = np.array([[0.002, 0.002, 0.002], [0.006, 0.006, 0.006], [0.012, 0.012, 0.012]])
    sheet = _curved_sheet(t)
    assert np.allclose(sheet.distance(sheet.grid.reshape(-1, 3)), -np.repeat(t[:, 0], 3) / 2, atol=3e-4)
    assert sheet.lo[2] == pytest.approx(0.9 - 0.006, abs=1e-6)


def test_yaml_sheet_and_cup_build_from_points_and_millimetres():
    sk = _skeleton()
    rows = [["hip_centre", {"at": "hip_centre", "off": [40, 0, 0]}],
            [{"at": "hip_centre", "off": [0, 0, 30]}, {"at": "hip_centre", "off": [40, 0, 30]}]]
    (sheet,) = primitive({"sheet": rows, "thickness": [4, 8]}, WHERE, "hip_bone.shapes[0]", sk, 0.002)
    assert isinstance(sheet, Sheet) and sheet.thickness.shape == (2, 2)
    assert np.allclose(sheet.thickness[:, 0], [0.004, 0.008])
    (cup,) = primitive({"cup": "hip_centre", "axis": [1, 0, -1], "r": 28, "thickness": 6, "cover_deg": 95},
                       WHERE, "hip_bone.shapes[1]", sk, 0.002)
    assert isinstance(cup, Cup) and cup.radius == pytest.approx(0.028)
    assert np.allclose(cup.axis, np.array([1, 0, -1]) / np.sqrt(2))


@pytest.mark.parametrize("raw, field", [
    ({"sheet": [["hip_centre", "hip_centre"], ["hip_centre"]], "thickness": 4}, "sheet"),
    ({"sheet": [[0.1, 0.0, 0.9], [0.1, 0.0, 0.8]], "thickness": 4}, "sheet"),
    ({"sheet": [["hip_centre", "hip_centre"], ["hip_centre", "hip_centre"]], "thickness": [4, 5, 6]}, "thickness"),
    ({"sheet": [["hip_centre", "hip_centre"], ["hip_centre", "hip_centre"]], "thickness": "thin"}, "thickness"),
    ({"cup": "hip_centre", "axis": [0, 0, 0], "r": 28, "thickness": 6, "cover_deg": 95}, "axis"),
    ({"cup": "hip_centre", "axis": [1, 0, 0], "r": 28, "thickness": 6, "cover_deg": 200}, "cover_deg"),
])
def test_bad_sheet_or_cup_names_the_entry_and_field(raw, field):
    with pytest.raises(AnatomyDataError, match=f"field '{field}'"):
        primitive(raw, WHERE, "hip_bone.shapes[0]", _skeleton(), 0.002)


def test_sheet_distance_is_exact_near_and_held_far_away():
    from viewer.anatomy.sdf import SHEET_REACH

    for sheet in (_curved_sheet(), _curved_sheet(np.array([[0.002] * 3, [0.006] * 3, [0.012] * 3]))):
        above = np.array([[0.06, -0.04, 0.9 + h] for h in (0.01, 0.02, 0.05, 0.3)])
        d = sheet.distance(above)
        brute = np.min(np.linalg.norm(above[:, None] - sheet.samples[None], axis=2) - sheet.radii[None], axis=1)
        assert np.allclose(d[:2], brute[:2], atol=1e-9)          # within reach: exact
        assert np.all(d[2:] == pytest.approx(SHEET_REACH))        # beyond: held, still outside


def _carved_head(sk: Skeleton) -> Carved:
    """A ball on the midline with an opening cut into its right side, mirrored inside the group."""
    raw = {"group": [{"sphere": [0.0, 0.0, 0.5], "r": 40}],
           "minus": [{"sphere": {"at": [0.0, 0.0, 0.5], "off": [30, 0, 0]}, "r": 12}],
           "mirror": True, "blend_mm": 2}
    (group,) = primitive(raw, WHERE, "skull.shapes[0]", sk, 0.002)
    assert isinstance(group, Carved)
    return group


def test_group_cuts_its_cavities_out_of_its_shapes_only():
    sk = _skeleton()
    group = _carved_head(sk)
    c = sk.resolve([0.0, 0.0, 0.5], WHERE)
    ball = Ellipsoid(c, np.full(3, 0.04))
    # the middle of the ball stays solid (18 mm from either cavity); the cavities are empty
    assert group.distance(c[None])[0] == pytest.approx(-0.018, abs=1e-9)
    for side in (1, -1):
        hole = c + np.array([side * 0.036, 0.0, 0.0])
        assert ball.distance(hole[None])[0] < 0 < group.distance(hole[None])[0]
    # far from the cavity the group is the ball itself
    p = c + np.array([[0.0, 0.02, 0.0], [0.0, 0.0, -0.045], [0.0, 0.05, 0.0]])
    assert np.allclose(group.distance(p), ball.distance(p), atol=1e-9)
    # a bone of a group and another shape: the cavity does not cut the other shape
    (plug,) = primitive({"sphere": {"at": [0.0, 0.0, 0.5], "off": [36, 0, 0]}, "r": 5}, WHERE, "x", sk, 0.002)
    hole = c + np.array([[0.036, 0.0, 0.0]])
    assert min(group.distance(hole)[0], plug.distance(hole)[0]) < 0


def test_group_mirrors_as_a_whole_and_reports_bad_records():
    sk = _skeleton()
    group = _carved_head(sk)
    rng = np.random.default_rng(7)
    p = rng.uniform([-0.06, -0.05, 0.82], [0.06, 0.05, 0.93], size=(200, 3))
    flip = np.array([-1.0, 1.0, 1.0])
    assert np.allclose(group.mirrored().distance(p * flip), group.distance(p))
    assert np.allclose(group.distance(p * flip), group.distance(p))   # mirrored inside: symmetric
    for raw, field in (({"group": []}, "group"), ({"group": [{"sphere": "hip_centre", "r": 5}], "minus": 3}, "minus"),
                       ({"group": [{"sphere": "hip_centre", "r": 5}], "blend_mm": -1}, "blend_mm"),
                       ({"group": [{"sphere": "hip_centre"}]}, "r")):
        with pytest.raises(AnatomyDataError, match=f"field '{field}'"):
            primitive(raw, WHERE, "skull.shapes[0]", sk, 0.002)
