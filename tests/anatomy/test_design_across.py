"""``design_across``: a finer design grid across the fibres for zig-zag (digitated) origins."""

from __future__ import annotations

import numpy as np
import pytest

from viewer.anatomy.errors import AnatomyDataError
from viewer.anatomy.loft import DESIGN_T, _curve, _design_strands
from viewer.anatomy.spec import Entry


def test_design_across_multiplies_the_design_strands_and_rejects_bad_values():
    assert _design_strands(Entry("f.yaml", "p", {})) == DESIGN_T
    assert _design_strands(Entry("f.yaml", "p", {"design_across": 3})) == 3 * (DESIGN_T - 1) + 1
    for bad in (0, 2.5, 4):
        with pytest.raises(AnatomyDataError) as info:
            _design_strands(Entry("f.yaml", "external_oblique", {"design_across": bad}))
        assert "external_oblique" in str(info.value) and "design_across" in str(info.value)


def test_the_finer_grid_keeps_the_notches_of_a_zig_zag_line():
    """Tips and notches 10 mm deep along 16 cm of a 46 cm origin line (the oblique's digitations
    on ribs 5-9, then its lower slips): on the default 21 strands the notches of the second half
    of the zig-zag fall between samples and lose half their depth; the finer grid keeps them."""
    x = np.r_[np.linspace(0.0, 0.16, 9), [0.26, 0.36, 0.46]]
    y = np.r_[np.where(np.arange(9) % 2 == 1, -0.01, 0.0), [0.0, 0.0, 0.0]]
    line = _curve(np.stack([x, y, np.zeros_like(x)], axis=1))

    def depth(strands: int) -> float:
        q = line(np.linspace(0, 1, strands))
        tail = q[(q[:, 0] > 0.08) & (q[:, 0] < 0.16), 1]
        return float(tail.max() - tail.min())

    coarse = depth(_design_strands(Entry("f.yaml", "p", {})))
    fine = depth(_design_strands(Entry("f.yaml", "p", {"design_across": 3})))
    assert fine > 0.009
    assert fine > coarse + 0.003
