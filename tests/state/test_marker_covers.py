"""What covers a trigger point: the parts between the skin and its muscle, outermost first,
found once with the marker places (real meshes; skipped until they are built)."""

from __future__ import annotations

import numpy as np
import pytest

from viewer import locations
from viewer.controller.body import MUSCLE_LIFT_M, Body

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    if not (locations.assets_dir() / "manifest.json").exists():
        pytest.skip("real meshes not built (python -m viewer build-assets)")
    from viewer.datafiles import load_catalog
    from viewer.geometry.meshes import MeshLibrary

    mp = pytest.MonkeyPatch()
    mp.setenv("TRIGGER_ATLAS_CACHE", str(tmp_path_factory.mktemp("cache")))
    try:
        body = Body(load_catalog(locations.data_dir()), MeshLibrary(locations.assets_dir(), 1))
        yield body.markers, body.library
    finally:
        mp.undo()


def test_covers_lie_between_the_skin_and_the_muscle_outermost_first(places):
    markers, _ = places
    covered = [p for p in markers.values() if p.covers]
    assert len(covered) >= 20, "deep trigger points exist under other muscles"
    for place in covered:
        top = place.point - place.normal * 0.004  # the skin point
        bottom = place.on_muscle - place.muscle_normal * MUSCLE_LIFT_M
        depths = []
        for part, point, normal in place.covers:
            assert part != place.part
            point = point - normal * MUSCLE_LIFT_M  # where the segment crosses (the marker is lifted)
            along = float((point - top) @ (bottom - top)) / float((bottom - top) @ (bottom - top))
            assert -0.1 < along < 1.0
            assert float(normal @ (top - bottom)) > 0, "normals face the skin"
            depths.append(along)
        assert depths == sorted(depths)


def test_pectoralis_minor_lies_under_pectoralis_major(places):
    """Pectoralis minor is never superficial; its belly (TrP2, on the ribs) lies under major.
    TrP1 by the coracoid is reached through the deltopectoral triangle, under the clavicle."""
    markers, library = places
    minor = {k: p for k, p in markers.items() if k.tp.startswith("pectoralis_minor_")}
    assert minor
    assert all(p.covers for p in minor.values())
    for key, place in minor.items():
        if key.tp == "pectoralis_minor_tp2":
            assert any(library.part(part).muscle == "pectoralis_major" for part, _, _ in place.covers), key


def test_the_marker_lies_on_the_first_shown_cover(places):
    markers, _ = places
    place = next(p for p in markers.values() if len(p.covers) >= 2)
    first, second = place.covers[0], place.covers[1]
    assert np.array_equal(place.anchored(False, lambda part: True)[0], first[1])
    assert np.array_equal(place.anchored(False, lambda part: part != first[0])[0], second[1])
    assert np.array_equal(place.anchored(False, lambda part: False)[0], place.on_muscle)
    assert np.array_equal(place.anchored(False)[0], place.on_muscle)
    assert np.array_equal(place.anchored(True, lambda part: True)[0], place.point)
