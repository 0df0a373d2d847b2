"""The skull and mandible of bones.yaml carry what an anatomy teacher looks for first: open orbits
inside their rims, a nasal aperture, a zygomatic arch standing off the temporal fossa, a
coronoid process under the arch and a condyle in front of the ear."""

from __future__ import annotations

import numpy as np
import pytest

from viewer.anatomy import spec
from viewer.anatomy.bones import bone_shapes
from viewer.locations import data_dir


@pytest.fixture(scope="module")
def bone():
    data = spec.load(data_dir())
    shapes = {s.anatomy: s for s in bone_shapes(data, 0.0015)}
    sk = data.skeleton

    def distance_mm(name: str, landmark: str, off: tuple[float, float, float]) -> float:
        """Signed distance (mm) from a landmark plus an offset in mm to the bone's surface."""
        p = sk.resolve({"at": landmark, "off": list(off)}, "test")
        return float(min(prim.distance(p[None])[0] for prim in shapes[name].prims)) / sk.mm(1.0)

    return distance_mm


def test_orbits_are_openings_framed_by_rims(bone):
    assert bone("skull", "orbit_centre", (0, 6, 0)) > 5          # the opening is empty ...
    assert bone("skull", "orbit_centre", (-8, -25, -2)) > 3      # ... and deep (towards the apex)
    for rim in ((0, 8, 21), (0, 2, -20), (23, -7, 0), (-24, 14, 0)):  # supra-, infra-orbital, lateral, medial
        assert bone("skull", "orbit_centre", rim) < 0, rim


def test_nasal_aperture_is_open_below_the_nasal_bones(bone):
    assert bone("skull", "nasion", (0, 3, -40)) > 3
    assert bone("skull", "nasion", (0, 0, -5)) < 0


def test_zygomatic_arch_stands_off_the_temporal_fossa(bone):
    assert bone("skull", "zygomatic_arch", (0, 0, -3)) < 0        # the bar ...
    assert bone("skull", "zygomatic_arch", (-9, 0, -3)) > 3       # ... with room for temporalis behind it
    assert bone("skull", "zygomatic_arch", (0, 0, 12)) > 3        # the fossa above it


def test_mandible_has_a_coronoid_under_the_arch_and_a_condyle_before_the_ear(bone):
    assert bone("mandible", "zygomatic_arch", (-12, 4, -12)) < 0    # coronoid process
    assert bone("mandible", "zygomatic_arch", (-11, -12, -25)) > 0  # mandibular notch
    assert bone("mandible", "tragion", (-11, 9, -13)) < 0           # condyle
    assert bone("mandible", "tragion", (0, 0, 0)) > 5               # the ear stays clear
