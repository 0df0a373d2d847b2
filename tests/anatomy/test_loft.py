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


def _plane_sheet(length: float, width: float, z: float = 0.0) -> Sheet:
    """A flat 49 x 21 sheet in the plane at height ``z``, fibres along x, superficial side +z."""
    s, t = np.linspace(0, 1, 49), np.linspace(0, 1, 21)
    mid = np.zeros((49, 21, 3))
    mid[..., 0] = (s[:, None] - 0.5) * length
    mid[..., 1] = (t[None] - 0.5) * width
    mid[..., 2] = z
    normal = np.zeros_like(mid)
    normal[..., 2] = 1.0
    return Sheet(s, t, mid, normal, np.full((49, 21), THICKNESS))


def _flat_sheet() -> Sheet:
    return _plane_sheet(0.22, 0.14)


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


# --- bridging hollows, aponeurosis, digitated meshes -------------------------------------------

@pytest.fixture(scope="module")
def crease() -> Field:
    """Two spheres side by side along x: a hollow between them where they meet."""
    grid = Grid(np.array([-0.2, -0.12, -0.12]), 0.004, (101, 61, 61))
    xyz = np.indices(grid.shape).reshape(3, -1).T * grid.spacing + grid.origin
    a = np.linalg.norm(xyz - [-0.055, 0.0, -0.05], axis=1) - 0.08
    b = np.linalg.norm(xyz - [0.055, 0.0, -0.05], axis=1) - 0.08
    return Field(grid, np.minimum(a, b).reshape(grid.shape).astype(np.float32))


def _long_sheet() -> Sheet:
    return _plane_sheet(0.34, 0.06, 0.02)


def _long_sheet_at(z: float) -> Sheet:
    sheet = _long_sheet()
    sheet.mid[..., 2] = z
    return sheet


def _dip(sheet: Sheet) -> float:
    """How far the centre strand sinks below the chord between its two highest points (m)."""
    z = sheet.mid[:, 10, 2]
    left, right = int(np.argmax(z[:24])), 24 + int(np.argmax(z[24:]))
    chord = np.interp(np.arange(left, right + 1), [left, right], [z[left], z[right]])
    return float((chord - z[left:right + 1]).max())


def test_bridge_spans_the_hollow_that_a_hugging_drape_dips_into(crease):
    hugging = drape(_long_sheet(), crease, DrapeSettings(clearance=0.0008, hug=0.04))
    bridged = drape(_long_sheet(), crease, DrapeSettings(clearance=0.0008, hug=0.04, bridge=True))
    assert _dip(hugging) > 0.004     # the plain drape follows the crease (the rectus abdominis wave)
    assert _dip(bridged) < 0.001     # bridged: straight across it
    deep = bridged.mid - bridged.normal * THICKNESS / 2
    assert np.mean(crease.sample(deep.reshape(-1, 3)) < -0.001) < 0.05  # still clear of what lies beneath


def _skeleton():
    from viewer.anatomy.points import Landmark, Skeleton

    return Skeleton({"glenohumeral_centre": Landmark("glenohumeral_centre", np.array([0.1, 0.0, 0.8]), "scapula")},
                    1.755, 0.0)


def _oblique(**extra) -> Entry:
    raw = {"origin": [[0.05, 0.0, 0.70], [0.07, 0.0, 0.66]], "insertion": [[0.02, 0.05, 0.62], [0.06, 0.05, 0.58]],
           "thickness_mm": [6], "edge": 3, "outward": [0, 1, 0]}
    raw.update(extra)
    return Entry("data/anatomy/muscles/x.yaml", "external_oblique", raw)


def test_aponeurosis_thins_the_sheet_beyond_the_fleshy_line():
    from viewer.anatomy.loft import design_sheet

    sk = _skeleton()
    plain = design_sheet(_oblique(), sk)
    thin = design_sheet(_oblique(aponeurosis={"t": [0, 1], "s": [0.5, 1.2], "mm": 1.2}), sk)
    mid_t = 10
    assert thin.thickness[5, mid_t] == pytest.approx(plain.thickness[5, mid_t])   # fleshy part unchanged
    assert thin.thickness[-1, 0] == pytest.approx(sk.mm(1.2))                     # t = 0: tendinous end
    assert thin.thickness[-1, -1] == pytest.approx(plain.thickness[-1, -1])       # t = 1: fleshy to the end
    assert np.all(np.diff(thin.thickness[30:, 0]) <= 1e-12)                        # thins smoothly, no bump


@pytest.mark.parametrize("bad", ["x", {"t": [0, 1], "s": [0.5]}, {"t": [1, 0], "s": [0.5, 0.5], "mm": 1},
                                 {"t": [0, 1], "s": [0.5, 0.6], "mm": 0}])
def test_a_bad_aponeurosis_names_the_part_and_field(bad):
    from viewer.anatomy.loft import design_sheet

    with pytest.raises(AnatomyDataError) as info:
        design_sheet(_oblique(aponeurosis=bad), _skeleton())
    assert "external_oblique" in str(info.value) and "aponeurosis" in str(info.value)


def test_mesh_across_multiplies_the_strands_and_rejects_bad_values():
    from viewer.anatomy.muscles import _across

    assert _across(Entry("f.yaml", "p", {})) == 1
    assert _across(Entry("f.yaml", "p", {"mesh_across": 2})) == 2
    for bad in (0, 1.5, 4):
        with pytest.raises(AnatomyDataError) as info:
            _across(Entry("f.yaml", "serratus_anterior", {"mesh_across": bad}))
        assert "serratus_anterior" in str(info.value) and "mesh_across" in str(info.value)


@pytest.fixture(scope="module")
def ribs() -> Field:
    """Three bars ('ribs', 13 mm thick, 6 cm apart) over a slab 4 cm beneath their tops."""
    grid = Grid(np.array([-0.2, -0.1, -0.1]), 0.004, (101, 51, 51))
    xyz = np.indices(grid.shape).reshape(3, -1).T * grid.spacing + grid.origin
    bars = np.min([np.hypot(xyz[:, 0] - x, xyz[:, 2]) - 0.0065 for x in (-0.06, 0.0, 0.06)], axis=0)
    slab = xyz[:, 2] + 0.045
    return Field(grid, np.minimum(bars, slab).reshape(grid.shape).astype(np.float32))


def test_closing_keeps_a_hugging_sheet_on_the_ribs_not_between_them(ribs):
    from viewer.anatomy.muscles import _closed

    settings = DrapeSettings(clearance=0.0008, hug=0.06, closing=0.03)
    sunk = drape(_long_sheet(), ribs, DrapeSettings(clearance=0.0008, hug=0.06))
    held = drape(_long_sheet(), ribs, settings, _closed(ribs, settings.closing))
    between = slice(16, 33)  # over the bars and the two gaps between them
    assert sunk.mid[between, 10, 2].min() < -0.02   # drawn through the gaps towards the slab
    # rests on the bars (tops at z = 6.5 mm), sagging no deeper than a 3 cm ball rolled over them
    assert held.mid[between, 10, 2].min() > -0.009
    deep = held.mid - held.normal * THICKNESS / 2
    assert np.mean(ribs.sample(deep.reshape(-1, 3)) < -0.001) < 0.05


def test_a_bad_drape_option_names_the_part_and_field():
    from viewer.anatomy.muscles import _drape_closing, _drape_settings

    class _Data:
        build = Entry("build.yaml", "build", {"muscle_hug_mm": 40})
        skeleton = _skeleton()

    for key, value in (("bridge", "yes"), ("hug_closing_mm", -3), ("clearance_mm", -1), ("drape_settle", 2.5),
                       ("drape_end_zone", 0.5)):
        with pytest.raises(AnatomyDataError) as info:
            _drape_settings(Entry("f.yaml", "serratus_anterior", {key: value}), _Data(), 0.0008)
        assert "serratus_anterior" in str(info.value) and key in str(info.value)
    with pytest.raises(AnatomyDataError) as info:
        _drape_closing(Entry("f.yaml", "external_oblique", {"drape_closing_mm": -1}), _Data())
    assert "external_oblique" in str(info.value) and "drape_closing_mm" in str(info.value)


def test_draping_on_the_closed_ribs_lifts_a_sheet_out_of_the_gaps(ribs):
    """A sheet designed between the ribs (below their tops) is pushed out onto them."""
    from viewer.anatomy.muscles import _closed

    # designed below the tops of the bars, in the gaps between them
    plain = drape(_long_sheet_at(-0.01), ribs, DrapeSettings(clearance=0.0008, hug=0.0))
    lifted = drape(_long_sheet_at(-0.01), _closed(ribs, 0.03), DrapeSettings(clearance=0.0008, hug=0.0))
    between = slice(16, 33)
    assert plain.mid[between, 10, 2].min() < -0.005    # stays in the gaps, ribs poke through
    assert lifted.mid[between, 10, 2].min() > -0.006   # on the closed envelope over the ribs
