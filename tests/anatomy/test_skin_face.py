"""The face of the shipped skin data: the mouth meshed finer than the rest of the face at every
level (its ~3 mm crease needs edges shorter than the crease), and the mentolabial sulcus cut
only where the lower lip meets the chin."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from viewer.anatomy import spec
from viewer.anatomy.skin import remesh_weight
from viewer.anatomy.skincarve import carve_values, carves

ROOT = Path(__file__).resolve().parents[2]


def _face_probes(sk) -> dict[str, np.ndarray]:
    nasion = sk.resolve("nasion", "t")
    return {
        "stomion": sk.resolve({"at": "nasion", "off": [0, 14, -76]}, "t"),
        "cheilion": sk.resolve("cheilion", "t"),
        "cheek": sk.resolve({"at": "orbit_centre", "off": [6, 8, -40]}, "t"),
        "brow": nasion,
    }


def test_the_mouth_is_meshed_finer_than_the_rest_of_the_face_at_every_level():
    data = spec.load(ROOT / "data")
    p = _face_probes(data.skeleton)
    for lod in (0, 1):
        weight = remesh_weight(data, lod)
        w = {k: float(weight(v[None, :])[0]) for k, v in p.items()}
        assert w["stomion"] < 0.9 * w["brow"], f"LOD{lod}: {w}"
        assert w["cheilion"] < 0.9 * w["brow"], f"LOD{lod}: both corners of the mouth are in the finer zone"
        assert w["cheek"] > 1.2 * w["stomion"], f"LOD{lod}: the mouth zone stays off the cheek"
    # LOD1 (software GL): the mouth edges at most ~0.25 x the common length (about 11 mm), under
    # the ~3 mm crease; the rest of the face about twice that
    w1 = remesh_weight(data, 1)
    assert w1(p["stomion"][None, :])[0] <= min(0.25, 0.6 * w1(p["cheek"][None, :])[0])


def test_mentolabial_sulcus_lies_between_lower_lip_and_chin_on_the_midline():
    data = spec.load(ROOT / "data")
    sk = data.skeleton
    cut = {c.name: c for c in carves(data, 0.0005)}["mentolabial_sulcus"]
    menton, nasion = sk.resolve("menton", "t"), sk.resolve("nasion", "t")
    stomion = _face_probes(sk)["stomion"]
    lo, hi = menton[2], stomion[2]
    # the deepest point of the groove, searched along the midline in front of the chin
    zs = np.linspace(lo, hi, 200)
    ys = np.linspace(menton[1], nasion[1] + 0.03, 200)
    zz, yy = np.meshgrid(zs, ys, indexing="ij")
    pts = np.stack([np.zeros(zz.size), yy.ravel(), zz.ravel()], axis=1)
    inside = carve_values(cut, pts) < 0
    assert inside.any()
    z_in = pts[inside, 2]
    # about a third to a half of the way from the soft-tissue menton up to the stomion
    assert lo + 0.3 * (hi - lo) < z_in.mean() < lo + 0.75 * (hi - lo)
    # nothing of it beyond the commissures (mouth about 50-54 mm wide)
    side = np.array([[0.03, menton[1] + 0.02, z_in.mean()]])
    assert carve_values(cut, side)[0] > 0
