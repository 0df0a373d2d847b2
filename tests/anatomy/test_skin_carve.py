"""Creases carved into the skin field (skin.yaml: carves): the skin steps back inside a carve's
shapes, never into its 'keep' shapes, and nowhere else."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from viewer.anatomy import spec
from viewer.anatomy.errors import AnatomyDataError
from viewer.anatomy.sdf import Grid
from viewer.anatomy.skincarve import apply_carves, carve_values, carves, point_carver
from viewer.anatomy.spec import Entry

ROOT = Path(__file__).resolve().parents[2]
WHERE = "data/anatomy/skin.yaml"


def _with_carves(raw: object) -> spec.AnatomyData:
    data = spec.load(ROOT / "data")
    return dataclasses.replace(data, skin=Entry(WHERE, data.skin.name, {**data.skin.raw, "carves": raw}))


def _slab(data: spec.AnatomyData) -> tuple[Grid, np.ndarray]:
    """A flat skin at y = 0 (inside below), 2 mm voxels round (0, 0, H/2)."""
    h = data.skeleton.stature
    grid = Grid(np.array([-0.03, -0.03, 0.5 * h - 0.03]), 0.002, (31, 31, 31))
    ys = grid.origin[1] + grid.spacing * np.arange(grid.shape[1])
    field = np.broadcast_to(ys[None, :, None], grid.shape).astype(np.float32).copy()
    return grid, field


def _ball_carve(data: spec.AnatomyData, keep: bool, soft: float = 0.0) -> list[dict]:
    """A 10 mm ball centred on the skin; with 'keep', a 6 mm ball it never enters."""
    h = data.skeleton.stature
    raw = {"id": "dimple", "soft_mm": soft, "shapes": [{"sphere": [0.0, 0.0, 0.5], "r": 10}]}
    if keep:
        raw["keep"] = [{"sphere": [0.0, -0.004 / h, 0.5], "r": 6}]
    return [raw]


def test_a_carve_cuts_the_skin_back_to_its_wall_and_nowhere_else():
    data = _with_carves([])
    data = _with_carves(_ball_carve(data, keep=False))
    grid, field = _slab(data)
    before = field.copy()
    apply_carves(data, grid, field)
    c = 15  # the grid point at the ball's centre
    assert before[c, c, c] == pytest.approx(0.0, abs=1e-6)
    assert field[c, c - 3, c] == pytest.approx(0.004, abs=1e-4), "6 mm deep: 4 mm inside the ball's wall"
    # 12 mm deep, 2 mm below the ball: the nearest skin is now the carve's wall, 2 mm away
    assert field[c, c - 6, c] == pytest.approx(-0.002, abs=1e-4)
    assert np.all(field >= before - 1e-7), "a carve only ever moves the skin inwards"
    # everywhere: the distance to the carved skin, the nearer of the old skin and the ball's wall
    pts = grid.points(tuple(slice(0, n) for n in grid.shape)).reshape(grid.shape + (3,))
    to_ball = np.linalg.norm(pts - np.array([0.0, 0.0, 0.5 * data.skeleton.stature]), axis=-1) - 0.010
    near = to_ball < 0.004  # (further in, the field keeps its old, deeper values: only its sign matters there)
    assert np.allclose(field[near], np.maximum(before, -to_ball)[near], atol=1e-6)
    outside = to_ball > 0.010
    assert np.array_equal(field[outside & (before > 0)], before[outside & (before > 0)])


def test_keep_shapes_are_never_entered():
    data = _with_carves([])
    data = _with_carves(_ball_carve(data, keep=True))
    grid, field = _slab(data)
    apply_carves(data, grid, field)
    (carve,) = carves(data, grid.spacing / 2)
    pts = grid.points(tuple(slice(0, n) for n in grid.shape)).reshape(grid.shape + (3,))
    c = 15
    # the keep ball (6 mm round y = -4 mm) is inside: the skin stands on its front at y = +2 mm
    assert field[c, c - 2, c] < 0 and field[c, c + 1, c] > 0
    assert carve_values(carve, pts[c, c - 2, c][None])[0] > 0


def test_point_carver_matches_the_grid_and_is_none_without_carves():
    assert point_carver(_with_carves([]), 0.001) is None
    data = _with_carves([])
    data = _with_carves(_ball_carve(data, keep=True, soft=1.0))
    grid, field = _slab(data)
    before = field.copy()
    apply_carves(data, grid, field)
    cut = point_carver(data, grid.spacing / 2)
    pts = grid.points(tuple(slice(0, n) for n in grid.shape))
    centre = np.array([0.0, 0.0, 0.5 * data.skeleton.stature])
    box = np.all(np.abs(pts - centre) <= 0.0105, axis=1)  # the ball's box and its rounding
    assert np.allclose(cut(pts, before.ravel())[box], field.ravel()[box], atol=1e-6)
    assert np.any(cut(pts, before.ravel()) != before.ravel())


@pytest.mark.parametrize("raw, field", [
    ("a crease", "carves"),
    ([{"id": "x", "shapes": []}], "shapes"),
    ([{"id": "x", "shapes": [{"sphere": [0, 0, 0.5], "r": 5}], "soft_mm": -1}], "soft_mm"),
])
def test_bad_carves_name_file_entry_and_field(raw, field):
    data = _with_carves(raw)
    with pytest.raises(AnatomyDataError) as err:
        carves(data, 0.001)
    message = str(err.value)
    assert "skin.yaml" in message and field in message
    assert "\n" not in message.strip()
