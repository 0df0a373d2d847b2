"""Smooth groups of skin fillers: a smooth union that fills the creases between the shapes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from viewer.anatomy import spec
from viewer.anatomy.errors import AnatomyDataError
from viewer.anatomy.fields import mark_primitives
from viewer.anatomy.sdf import Grid
from viewer.anatomy.skin import mark_smooth_groups, smooth_groups
from viewer.anatomy.spec import Entry

ROOT = Path(__file__).resolve().parents[2]
WHERE = "data/anatomy/skin.yaml"


def _with_groups(groups: list[dict], fillers: list[dict]) -> spec.AnatomyData:
    """The shipped data with these fillers and smooth groups in place of the skin's own."""
    data = spec.load(ROOT / "data")
    skin = Entry(WHERE, data.skin.name, {**data.skin.raw, "smooth_groups": groups})
    entries = [Entry(WHERE, f["id"], f) for f in fillers]
    return dataclasses.replace(data, skin=skin, fillers=entries)


def _two_balls() -> list[dict]:
    """Two 30 mm balls 50 mm apart (in stature fractions): a waist between them."""
    h = spec.load(ROOT / "data").skeleton.stature
    return [{"id": "left", "shapes": [{"sphere": [-0.025 / h, 0.0, 0.5], "r": 30}]},
            {"id": "right", "shapes": [{"sphere": [0.025 / h, 0.0, 0.5], "r": 30}]}]


def _grid(data: spec.AnatomyData) -> Grid:
    h = data.skeleton.stature
    return Grid(np.array([-0.07, -0.04, 0.5 * h - 0.04]), 0.002, (71, 41, 41))


def test_smooth_group_fills_the_crease_and_keeps_the_hard_union():
    data = _with_groups([{"fillers": ["left", "right"], "blend_mm": 20}], _two_balls())
    grid = _grid(data)
    hard = np.zeros(grid.shape, dtype=bool)
    mark_primitives(hard, grid, [p for prims, _ in smooth_groups(data, grid.spacing) for p in prims])
    smooth = hard.copy()
    mark_smooth_groups(data, grid, smooth)
    assert smooth[hard].all(), "never smaller than the hard union"
    # the waist at x = 0: the hard union is about 2 * sqrt(30^2 - 25^2) = 33 mm tall there
    waist_hard = hard[35, 20, :].sum()
    waist_smooth = smooth[35, 20, :].sum()
    assert waist_smooth >= waist_hard + 4, "the crease between the balls fills in"
    # far from the crease (the outer poles) the shapes keep their size within a voxel
    assert abs(int(smooth[:, 20, 20].sum()) - int(hard[:, 20, 20].sum())) <= 2


def test_without_groups_nothing_changes():
    data = _with_groups([], _two_balls())
    grid = _grid(data)
    occ = np.zeros(grid.shape, dtype=bool)
    mark_smooth_groups(data, grid, occ)
    assert not occ.any()


@pytest.mark.parametrize("groups, key", [
    ([{"fillers": ["left", "nowhere"], "blend_mm": 8}], "fillers"),
    ([{"fillers": ["left"], "blend_mm": 0}], "blend_mm"),
    ([{"fillers": "left", "blend_mm": 8}], "fillers"),
    (["left"], "smooth_groups"),
])
def test_bad_groups_name_file_entry_and_field(groups, key):
    data = _with_groups(groups, _two_balls())
    with pytest.raises(AnatomyDataError) as err:
        smooth_groups(data, 0.002)
    assert WHERE in str(err.value) and key in str(err.value)


def test_shipped_face_groups_leave_the_eyes_open():
    """The face fillers are united smoothly, but the palpebral fissure stays open: the point
    in front of the globe at the fissure lies outside every group, or a carve (skin.yaml:
    carves) cuts the fissure there - a wide blend over brow, orbital rim and cheek filled it."""
    data = spec.load(ROOT / "data")
    groups = smooth_groups(data, 0.0015)
    assert groups, "skin.yaml ships smooth groups for the face"
    from viewer.anatomy.sdf import smin
    from viewer.anatomy.skincarve import carve_values, carves

    cuts = carves(data, 0.00075)
    eye = data.skeleton.resolve({"at": "orbit_centre", "off": [0, 14.5, 0.5]}, "test")
    cheek = data.skeleton.resolve({"at": "orbit_centre", "off": [0, -10, -40]}, "test")
    for point, inside in ((eye, False), (eye * np.array([-1.0, 1.0, 1.0]), False), (cheek, True)):
        values = []
        for prims, blend in groups:
            d = np.array([1.0])
            for p in prims:
                d = smin(d, p.distance(point[None]), blend)
            values.append(float(d[0]))
        carved = any(carve_values(c, point[None])[0] < 0 for c in cuts)
        assert (min(values) <= 0 and not carved) == inside
