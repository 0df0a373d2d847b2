"""Shape keys of the lofted sheet: ``dome_mm`` (bowed across the fibres) and ``thickness_across``."""

from __future__ import annotations

import numpy as np
import pytest

from viewer.anatomy.errors import AnatomyDataError
from viewer.anatomy.loft import design_sheet
from viewer.anatomy.points import Landmark, Skeleton
from viewer.anatomy.spec import Entry


def _skeleton() -> Skeleton:
    return Skeleton({"glenohumeral_centre": Landmark("glenohumeral_centre", np.array([0.1, 0.0, 0.8]), "scapula")},
                    1.755, 0.0)


def _sheet_entry(**extra) -> Entry:
    """A flat 10 x 10 cm sheet in the plane y = 0, fibres down z, superficial side -y."""
    raw = {"origin": [[0.00, 0.0, 0.60], [0.06, 0.0, 0.60]], "insertion": [[0.00, 0.0, 0.54], [0.06, 0.0, 0.54]],
           "thickness_mm": [20], "edge": 2, "outward": [0, -1, 0]}
    raw.update(extra)
    return Entry("data/anatomy/muscles/x.yaml", "gluteus_maximus", raw)


def test_dome_bows_the_sheet_out_across_the_fibres_and_keeps_the_edges():
    sk = _skeleton()
    flat = design_sheet(_sheet_entry(), sk)
    domed = design_sheet(_sheet_entry(dome_mm=[0, 15, 0]), sk)
    mid_s, mid_t = flat.s.size // 2, flat.t.size // 2
    bow = domed.mid[mid_s, mid_t] - flat.mid[mid_s, mid_t]
    assert bow[1] == pytest.approx(-sk.mm(15), rel=0.05)          # towards the superficial side
    assert np.allclose(domed.mid[:, 0], flat.mid[:, 0])           # the borders stay where designed
    assert np.allclose(domed.mid[0], flat.mid[0])                 # and so does the origin line
    assert np.all(np.sum(domed.normal * np.array([0, -1, 0]), axis=2) > 0.5)  # normals still superficial


def test_thickness_across_scales_the_section():
    sk = _skeleton()
    plain = design_sheet(_sheet_entry(), sk)
    lop = design_sheet(_sheet_entry(thickness_across={"t": [0, 1], "v": [0.5, 1.0]}), sk)
    k = plain.s.size // 2
    assert lop.thickness[k, -1] == pytest.approx(plain.thickness[k, -1])
    assert lop.thickness[k, 0] == pytest.approx(0.5 * plain.thickness[k, 0])
    assert lop.thickness[k, 5] < plain.thickness[k, 5]


@pytest.mark.parametrize("bad", ["x", {"t": [0, 1], "v": [1]}, {"t": [1, 0], "v": [1, 1]}, {"t": [0, 1], "v": [1, -1]}])
def test_a_bad_thickness_across_names_the_part_and_field(bad):
    with pytest.raises(AnatomyDataError) as info:
        design_sheet(_sheet_entry(thickness_across=bad), _skeleton())
    assert "gluteus_maximus" in str(info.value) and "thickness_across" in str(info.value)
