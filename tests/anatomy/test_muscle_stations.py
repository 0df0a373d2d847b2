"""Mesh stations along a muscle follow its length (build.yaml muscle_step_mm)."""

from __future__ import annotations

import numpy as np
import pytest

from viewer.anatomy.loft import Sheet
from viewer.anatomy.muscles import stations_along


def _straight(length_m: float) -> Sheet:
    s, t = np.linspace(0, 1, 21), np.linspace(0, 1, 5)
    mid = np.zeros((21, 5, 3))
    mid[..., 2] = -s[:, None] * length_m
    mid[..., 0] = t[None, :] * 0.02
    normal = np.zeros_like(mid)
    normal[..., 1] = 1.0
    return Sheet(s, t, mid, normal, np.full((21, 5), 0.005))


@pytest.mark.parametrize("length_mm, step_mm, most, expected", [
    (100, 25, 15, 5),     # 4 intervals of 25 mm
    (200, 25, 15, 9),     # 8 intervals
    (30, 25, 15, 5),      # never fewer than 4 intervals
    (600, 25, 15, 15),    # capped by the grid
    (600, 0, 15, 15),     # 0: the full grid
    (100, 10, 33, 11),
])
def test_stations_follow_the_length(length_mm, step_mm, most, expected):
    n = stations_along(_straight(length_mm / 1000), most, step_mm / 1000)
    assert n == expected and n % 2 == 1  # odd: s = 0.5 stays a station


@pytest.mark.parametrize("field, value, words", [
    ("muscle_step_mm", [10, -1], "muscle_step_mm"),
    ("muscle_mesh", [[32, 13], [15, 7]], "S must be odd"),
])
def test_bad_resolution_names_the_field(field, value, words):
    from pathlib import Path

    from viewer.anatomy import spec
    from viewer.anatomy.build import resolution
    from viewer.anatomy.errors import AnatomyDataError

    data = spec.load(Path(__file__).parents[2] / "data")
    data.build.raw["resolution"]["full"][field] = value
    with pytest.raises(AnatomyDataError) as info:
        resolution(data, coarse=False)
    assert words in str(info.value) and "build.yaml" in str(info.value)
