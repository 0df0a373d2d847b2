"""Every trigger point of the real data, painted on the real LOD1 skin (skipped until the
assets are built with ``python -m viewer build-assets``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from viewer.datafiles import load_catalog
from viewer.domain.model import Side
from viewer.geometry.frame import nearest_surface_point, place
from viewer.geometry.meshes import MeshLibrary
from viewer.geometry.referral import ReferralRasteriser

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "assets" / "meshes" / "manifest.json"

pytestmark = pytest.mark.skipif(not MANIFEST.exists(), reason="assets/meshes not built yet")


@pytest.fixture(scope="module")
def real():
    library = MeshLibrary(MANIFEST.parent)      # LOD1 when it is built
    skin = library.load(library.skin_part().id)
    raster = ReferralRasteriser(skin, library.regions, library.landmarks)
    return load_catalog(ROOT / "data"), raster


def test_every_listed_region_gets_paint_on_the_same_side(real):
    catalog, raster = real
    assert catalog.trigger_points
    missing = []
    for tp in catalog.trigger_points:
        for side in (Side.RIGHT, Side.LEFT):
            essential, spillover = raster.weights(tp, side)
            assert essential.shape == (raster.skin.n_points,)
            assert 0.0 <= float(essential.min()) and float(essential.max()) <= 1.0
            painted = np.maximum(essential, spillover)
            for tier, regions, weights in (("essential", tp.referral.essential.regions, essential),
                                           ("spillover", tp.referral.spillover.regions, painted)):
                for region_id in regions:
                    if not np.any(weights[raster.region_mask(region_id, side)] > 0.0):
                        missing.append(f"{tp.id} {side.value} {tier}: {region_id}")
    assert not missing, "listed regions without paint:\n" + "\n".join(missing)


def test_no_paint_on_the_other_side_away_from_the_midline(real):
    # shapes on midline landmarks may cross the midline by their radius, never by 10 cm
    catalog, raster = real
    x = np.asarray(raster.skin.points[:, 0], dtype=np.float64)
    for tp in catalog.trigger_points:
        essential, _ = raster.weights(tp, Side.RIGHT)
        assert not np.any(essential[x < -0.1] > 0.0), tp.id
        essential, _ = raster.weights(tp, Side.LEFT)
        assert not np.any(essential[x > 0.1] > 0.0), tp.id


def test_every_trigger_point_is_placed_in_its_muscle_under_the_skin(real):
    catalog, raster = real
    library = MeshLibrary(MANIFEST.parent)
    by_anatomy = {(p.anatomy, p.side): p.id for p in library.parts_of_kind("muscle")}
    problems, placed = [], 0
    for tp in catalog.trigger_points:
        for side, suffix in (("right", 1.0), ("left", -1.0)):
            # which muscles are built is the asset build's concern; place those that are
            part_id = by_anatomy.get((tp.location.part, side))
            if part_id is None:
                continue
            placed += 1
            muscle = library.load(part_id)
            point = place(muscle, tp.location.s, tp.location.t, tp.location.depth)
            low, high = muscle.points.min(axis=0) - 0.01, muscle.points.max(axis=0) + 0.01
            if not np.all((point >= low) & (point <= high)):
                problems.append(f"{tp.id} {side}: placed at {point.round(3)}, outside its muscle")
            skin_point, _ = nearest_surface_point(raster.skin, point)
            if np.sign(skin_point[0]) not in (0.0, suffix) and abs(skin_point[0]) > 0.02:
                problems.append(f"{tp.id} {side}: nearest skin point on the other side")
    assert placed > 0
    assert not problems, "\n".join(problems)
