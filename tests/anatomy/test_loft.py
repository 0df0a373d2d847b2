"""Draping of lofted sheets: smooth, clear of the layers beneath, ends kept on their sites."""

from __future__ import annotations

import numpy as np
import pytest

from viewer.anatomy.errors import AnatomyDataError
from viewer.anatomy.fields import Field
from viewer.anatomy.loft import DrapeSettings, Sheet, drape
from viewer.anatomy.muscles import _stack
from viewer.anatomy.sdf import Grid
from viewer.anatomy.spec import Entry

THICKNESS = 0.008


@pytest.fixture(scope="module")
def bump() -> Field:
    """A sphere standing 2 cm above the plane of the sheet, with a thin wall on top of it."""
    grid = Grid(np.array([-0.15, -0.15, -0.1]), 0.004, (76, 76, 60))
    xyz = np.indices(grid.shape).reshape(3, -1).T * grid.spacing + grid.origin
    sphere = np.linalg.norm(xyz - [0.0, 0.0, -0.05], axis=1) - 0.07
    wall = np.maximum(np.abs(xyz[:, 0] - 0.03) - 0.004, xyz[:, 2] - 0.03)
    return Field(grid, np.minimum(sphere, wall).reshape(grid.shape).astype(np.float32))


def _flat_sheet() -> Sheet:
    s, t = np.linspace(0, 1, 49), np.linspace(0, 1, 21)
    mid = np.zeros((49, 21, 3))
    mid[..., 0] = (s[:, None] - 0.5) * 0.22
    mid[..., 1] = (t[None] - 0.5) * 0.14
    normal = np.zeros_like(mid)
    normal[..., 2] = 1.0
    return Sheet(s, t, mid, normal, np.full((49, 21), THICKNESS))


@pytest.fixture(scope="module")
def draped(bump: Field) -> tuple[Sheet, Sheet]:
    flat = _flat_sheet()
    return flat, drape(flat, bump, DrapeSettings(clearance=0.0008, hug=0.04))


def test_the_sheet_is_lifted_over_the_bump(draped, bump):
    flat, out = draped
    centre = out.mid[24, 10]
    assert centre[2] > 0.02  # the sphere's top is at z = 0.02, the sheet started at z = 0
    deep = out.mid - out.normal * THICKNESS / 2
    inside = bump.sample(deep.reshape(-1, 3))
    assert np.mean(inside < -0.001) < 0.05  # the deep face clears what lies beneath


def test_the_draped_surface_is_fair(draped):
    _, out = draped
    n = out.normal
    along = np.degrees(np.arccos(np.clip((n[1:] * n[:-1]).sum(-1), -1, 1))).max()
    across = np.degrees(np.arccos(np.clip((n[:, 1:] * n[:, :-1]).sum(-1), -1, 1))).max()
    assert max(along, across) < 50.0  # no folds or flaps (the old drape reached 66 degrees here)


def test_the_ends_stay_on_their_sites(draped):
    flat, out = draped
    assert np.abs(out.mid[[0, -1]] - flat.mid[[0, -1]]).max() < 1e-6


def test_drape_is_deterministic(bump):
    a = drape(_flat_sheet(), bump, DrapeSettings(clearance=0.0008, hug=0.04))
    b = drape(_flat_sheet(), bump, DrapeSettings(clearance=0.0008, hug=0.04))
    assert np.array_equal(a.mid, b.mid)


@pytest.mark.parametrize("value", [-1, 1.5])
def test_a_bad_stack_names_the_part_and_field(value):
    entry = Entry("data/anatomy/muscles/x.yaml", "deltoid_anterior", {"stack": value})
    with pytest.raises(AnatomyDataError) as info:
        _stack(entry)
    assert "deltoid_anterior" in str(info.value) and "stack" in str(info.value)


def test_stack_defaults_to_zero():
    assert _stack(Entry("f.yaml", "p", {})) == 0
    assert _stack(Entry("f.yaml", "p", {"stack": 2})) == 2
