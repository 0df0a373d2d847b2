"""``hug_mm`` as a profile along the fibres: the pull onto the layers beneath varies along s
(the iliotibial tract wraps the lateral femoral condyle near its lower end only)."""

from __future__ import annotations

import numpy as np
import pytest

from viewer.anatomy.errors import AnatomyDataError
from viewer.anatomy.fields import Field
from viewer.anatomy.loft import DrapeSettings, Sheet, drape
from viewer.anatomy.muscles import _drape_settings
from viewer.anatomy.points import Landmark, Skeleton
from viewer.anatomy.sdf import Grid
from viewer.anatomy.spec import Entry

THICKNESS = 0.004


@pytest.fixture(scope="module")
def slab() -> Field:
    """A flat slab whose top lies at z = 0 (everything below is inside)."""
    grid = Grid(np.array([-0.2, -0.1, -0.1]), 0.004, (101, 51, 51))
    z = np.indices(grid.shape)[2] * grid.spacing + grid.origin[2]
    return Field(grid, z.astype(np.float32))


def _sheet_above(height: float) -> Sheet:
    """A flat 49 x 21 sheet ``height`` above the slab, fibres along x, superficial side +z."""
    s, t = np.linspace(0, 1, 49), np.linspace(0, 1, 21)
    mid = np.zeros((49, 21, 3))
    mid[..., 0] = (s[:, None] - 0.5) * 0.3
    mid[..., 1] = (t[None] - 0.5) * 0.06
    mid[..., 2] = height
    normal = np.zeros_like(mid)
    normal[..., 2] = 1.0
    return Sheet(s, t, mid, normal, np.full((49, 21), THICKNESS))


def test_the_pull_follows_the_profile(slab):
    """Pulled 2 cm down where the profile allows it (s >= 0.6), hardly at all where it is 2 mm."""
    settings = DrapeSettings(clearance=0.0008, hug=0.03, hug_along=((0.0, 0.4, 0.6, 1.0), (0.002, 0.002, 0.03, 0.03)))
    out = drape(_sheet_above(0.03), slab, settings)
    z = out.mid[:, 10, 2]
    assert z[10] > 0.026          # s ~ 0.2: at most the 2 mm budget (and the smoothing) taken
    assert z[36] < 0.012          # s = 0.75: pulled most of the way down onto the slab
    deep = out.mid - out.normal * THICKNESS / 2
    assert np.mean(slab.sample(deep.reshape(-1, 3)) < -0.001) < 0.05  # and never into it


def test_a_plain_hug_is_unchanged_by_the_profile_option(slab):
    plain = drape(_sheet_above(0.03), slab, DrapeSettings(clearance=0.0008, hug=0.03))
    flat = drape(_sheet_above(0.03), slab, DrapeSettings(clearance=0.0008, hug=0.03,
                                                          hug_along=((0.0, 1.0), (0.03, 0.03))))
    assert np.allclose(plain.mid, flat.mid, atol=1e-9)


class _Data:
    build = Entry("build.yaml", "build", {"muscle_hug_mm": 40})
    skeleton = Skeleton({"glenohumeral_centre": Landmark("glenohumeral_centre", np.array([0.1, 0.0, 0.8]), "scapula")},
                        1.755, 0.0)


def test_the_profile_is_read_from_hug_mm():
    settings = _drape_settings(Entry("f.yaml", "iliotibial_tract", {"hug_mm": {"s": [0, 0.7, 1], "v": [24, 40, 24]}}),
                               _Data(), 0.0008)
    knots, values = settings.hug_along
    assert knots == (0.0, 0.7, 1.0)
    assert np.allclose(values, [_Data.skeleton.mm(v) for v in (24, 40, 24)])
    assert settings.hug == pytest.approx(_Data.skeleton.mm(40))
    assert _drape_settings(Entry("f.yaml", "p", {"hug_mm": 6}), _Data(), 0.0008).hug_along is None


@pytest.mark.parametrize("value", [{"s": [0, 1], "v": [5]}, {"s": [0.5, 0.2], "v": [5, 6]}, {"s": [0, 1], "v": [5, -1]}])
def test_a_bad_hug_profile_names_the_part_and_field(value):
    with pytest.raises(AnatomyDataError) as info:
        _drape_settings(Entry("f.yaml", "iliotibial_tract", {"hug_mm": value}), _Data(), 0.0008)
    assert "iliotibial_tract" in str(info.value) and "hug_mm" in str(info.value)
