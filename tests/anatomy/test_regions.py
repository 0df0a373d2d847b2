"""The skin region atlas: every vertex labelled, one patch per region and side, anatomy sane.

Runs on a synthetic body (capsules and ellipsoids at the landmark positions, meshed with
marching cubes) and, when the build has written it, on the real LOD1 skin.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
import trimesh
import yaml
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree
from skimage.measure import marching_cubes

from viewer.anatomy.region_rules import load_rules
from viewer.anatomy.regions import RULES_PATH, label_skin
from viewer.anatomy.skin import label_vertices
from viewer.datafiles.errors import DataError

ROOT = Path(__file__).resolve().parents[2]
ABDUCTION_DEG = 17.0
ARM_BONES = {"humerus", "radius", "ulna", "hand"}


def region_ids() -> tuple[str, ...]:
    raw = yaml.safe_load((ROOT / "data" / "regions.yaml").read_text(encoding="utf-8"))
    return tuple(r["id"] for r in raw["regions"])


def posed_landmarks() -> dict[str, np.ndarray]:
    """landmarks.yaml in metres, mirrored to the left, arm chain abducted at the shoulder."""
    raw = yaml.safe_load((ROOT / "data" / "anatomy" / "landmarks.yaml").read_text())
    h = float(raw["stature_m"])
    base = {k: (np.array(v["xyz"], float) * h, v["bone"]) for k, v in raw["landmarks"].items()}
    gh = base["glenohumeral_centre"][0]
    a = -np.radians(ABDUCTION_DEG)  # right arm: the hand moves to +x
    rot = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
    out = {}
    for name, (p, bone) in base.items():
        if bone in ARM_BONES:
            p = gh + rot @ (p - gh)
        if abs(p[0]) < 1e-9:
            out[name] = p
        else:
            out[name + "_r"] = p
            out[name + "_l"] = p * np.array([-1.0, 1, 1])
    return out


def _capsule(grid: np.ndarray, p: np.ndarray, q: np.ndarray, r0: float, r1: float) -> np.ndarray:
    d = q - p
    t = np.clip((grid - p) @ d / (d @ d), 0, 1)
    return np.linalg.norm(grid - (p + t[..., None] * d), axis=-1) - (r0 + (r1 - r0) * t)


def _trunk(grid: np.ndarray, h: float) -> np.ndarray:
    """Elliptic cross-sections interpolated over height (fractions of stature)."""
    table = np.array([  # z, half width, half depth, centre y
        [0.47, 0.060, 0.050, -0.005], [0.52, 0.095, 0.070, -0.005], [0.60, 0.088, 0.064, 0.012],
        [0.70, 0.084, 0.068, 0.012], [0.78, 0.083, 0.072, 0.010], [0.82, 0.078, 0.058, 0.000],
        [0.85, 0.050, 0.045, 0.000]])
    z = np.clip(grid[..., 2] / h, table[0, 0], table[-1, 0])
    w, dep, yc = (np.interp(z, table[:, 0], table[:, i]) * h for i in (1, 2, 3))
    rho = np.hypot(grid[..., 0] / w, (grid[..., 1] - yc) / dep)
    side = (rho - 1.0) * np.minimum(w, dep)
    cap = np.maximum(table[0, 0] * h - grid[..., 2], grid[..., 2] - table[-1, 0] * h)
    return np.maximum(side, cap)


def synthetic_skin(lm: dict[str, np.ndarray], step: float = 0.008):
    """A crude body at the landmark positions: enough anatomy for every rule to apply."""
    h = float(lm["vertex"][2])
    half = np.ceil(0.55 / step) * step  # grid symmetric about x = 0, so is the mesh
    lo, hi = np.array([-half, -0.2, -0.02]), np.array([half + step / 2, 0.3, h + 0.03])
    axes = [np.arange(a, b, step) for a, b in zip(lo, hi)]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)
    f = _trunk(grid, h)
    head_c = np.array([0.0, 0.045, 0.935]) * h
    head = (np.linalg.norm((grid - head_c) / (np.array([0.046, 0.058, 0.068]) * h), axis=-1)
            - 1) * 0.046 * h
    f = np.minimum(f, head)
    f = np.minimum(f, _capsule(grid, np.array([0, 0.0, 0.83]) * h, np.array([0, 0.02, 0.9]) * h,
                               0.036 * h, 0.034 * h))
    for s in ("_r", "_l"):
        g = lambda n: lm[n + s]  # noqa: E731
        elbow = (g("lateral_epicondyle") + g("medial_epicondyle")) / 2
        wrist = (g("radial_styloid") + g("ulnar_styloid")) / 2
        limbs = [(g("glenohumeral_centre"), elbow, 0.030, 0.022),
                 (elbow, wrist, 0.022, 0.015), (wrist, g("metacarpal3_head"), 0.014, 0.013),
                 (g("metacarpal1_base"), g("thumb_tip"), 0.007, 0.005),
                 (g("hip_centre"), g("knee_centre"), 0.052, 0.032),
                 (g("knee_centre"), g("ankle_centre"), 0.032, 0.018),
                 (g("heel_posterior") + np.array([0, 0.012, 0.012]) * h,
                  g("metatarsal_heads") + np.array([0, 0, 0.008]) * h, 0.018, 0.016),
                 (g("metatarsal_heads") + np.array([0, 0, 0.008]) * h, g("big_toe_tip"),
                  0.008, 0.006),
                 (g("metatarsal_heads") + np.array([0.01, 0, 0.008]) * h, g("toe_tip")
                  + np.array([0.012, -0.006, 0]) * h, 0.007, 0.005),
                 # shoulder girdle: from the joint to the base of the neck
                 (g("glenohumeral_centre") + np.array([0, 0, 0.01]) * h,
                  np.array([0, -0.005, 0.845]) * h, 0.03, 0.03)]
        mc3 = g("metacarpal3_head")
        for tip in ("index_tip", "middle_tip", "ring_tip", "little_tip"):
            base = mc3 + g(tip) - g("middle_tip")
            limbs.append((base, g(tip), 0.0055, 0.0045))
        for p, q, r0, r1 in limbs:
            f = np.minimum(f, _capsule(grid, p, q, r0 * h, r1 * h))
    verts, faces, _, _ = marching_cubes(f, 0.0, spacing=(step,) * 3)
    mesh = trimesh.Trimesh(verts + lo, faces, process=True)
    mesh = max(mesh.split(only_watertight=False), key=lambda m: len(m.faces))
    if mesh.volume < 0:
        mesh.invert()
    return np.asarray(mesh.vertices), np.asarray(mesh.vertex_normals), np.asarray(mesh.faces)


def real_skin(lod: int = 0):
    # REGIONS_ASSETS checks another build's meshes folder (both levels and its manifest);
    # REGIONS_SKIN / REGIONS_MANIFEST point at single files
    root = Path(os.environ.get("REGIONS_ASSETS", ROOT / "assets" / "meshes"))
    default = root / f"lod{lod}" / "skin.npz"
    path = Path(os.environ.get("REGIONS_SKIN", default)) if lod == 0 else default
    manifest = Path(os.environ.get("REGIONS_MANIFEST", root / "manifest.json"))
    if not (path.exists() and manifest.exists()):
        return None
    data = np.load(path)
    lm = {k: np.asarray(v, float) for k, v in json.loads(manifest.read_text())["landmarks"].items()}
    if "vertex" not in lm:
        return None
    return (np.asarray(data["points"], float), np.asarray(data["normals"], float),
            np.asarray(data["faces"]).astype(np.int64), lm)


@pytest.fixture(scope="module", params=["synthetic", "real", "real_lod1"])
def labelled(request):
    """The rules on a synthetic skin and on the built LOD0 skin; on the built LOD1 skin the
    labels carried over from LOD0 as the build does (``label_vertices`` with ``finest``)."""
    ids = region_ids()
    if request.param == "synthetic":
        lm = posed_landmarks()
        pts, nrm, faces = synthetic_skin(lm)
    else:
        skin = real_skin(0)
        if skin is None:
            pytest.skip("assets/meshes/lod0/skin.npz not built yet")
        pts, nrm, faces, lm = skin
    if request.param == "real_lod1":
        finest = {"points": pts, "region": label_skin(pts, nrm, faces, lm, ids)[0]}
        skin = real_skin(1)
        if skin is None:
            pytest.skip("assets/meshes/lod1/skin.npz not built yet")
        pts, nrm, faces, lm = skin
    start = time.process_time()
    if request.param == "real_lod1":
        region, side = label_vertices(label_skin, pts, nrm, faces, lm, ids, finest)
    else:
        region, side = label_skin(pts, nrm, faces, lm, ids)
    seconds = time.process_time() - start
    return dict(points=pts, faces=faces, lm=lm, ids=ids, region=region, side=side,
                seconds=seconds, kind=request.param)


def test_every_vertex_has_a_region_and_the_side_of_its_x(labelled):
    region, side, pts = labelled["region"], labelled["side"], labelled["points"]
    assert region.dtype == np.uint16 and side.dtype == np.int8
    assert len(region) == len(pts) and (region < len(labelled["ids"])).all()
    assert np.array_equal(side, np.where(pts[:, 0] >= 0, 1, -1))


def test_every_region_is_on_both_sides(labelled):
    region, side, ids = labelled["region"], labelled["side"], labelled["ids"]
    for s in (-1, 1):
        missing = sorted(set(ids) - {ids[i] for i in np.unique(region[side == s])})
        assert not missing, f"side {s}: missing {missing}"


def test_each_region_is_one_patch_per_side(labelled):
    region, side, faces = labelled["region"], labelled["side"], labelled["faces"]
    n = len(region)
    e = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])

    def components(edges):
        return csgraph.connected_components(sparse.coo_matrix(
            (np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n)), directed=False)

    # a skin of several shells (a rough build) is judged shell by shell
    pieces, piece = components(e)
    key = (region.astype(np.int64) * 2 + (side > 0)) * pieces + piece
    _, comp = components(e[key[e[:, 0]] == key[e[:, 1]]])
    patches = {}
    for k in np.unique(key):
        patches[k] = len(np.unique(comp[key == k]))
    split = {labelled["ids"][k // pieces // 2] + ("_r" if k // pieces % 2 else "_l"): c
             for k, c in patches.items() if c > 1}
    assert not split, f"regions in several patches: {split}"


def _area(labelled) -> dict[str, float]:
    pts, faces, region = labelled["points"], labelled["faces"], labelled["region"]
    a = np.linalg.norm(np.cross(pts[faces[:, 1]] - pts[faces[:, 0]],
                                pts[faces[:, 2]] - pts[faces[:, 0]]), axis=1) / 6
    per_vertex = np.bincount(faces.ravel(), np.repeat(a, 3), minlength=len(pts))
    total = np.bincount(region, per_vertex, minlength=len(labelled["ids"]))
    return dict(zip(labelled["ids"], total))


def test_relative_areas_are_plausible(labelled):
    area = _area(labelled)
    for big, small in [("buttock", "coccyx"), ("anterior_thigh", "anterior_knee"),
                       ("calf", "posterior_ankle_achilles"), ("scapula", "inferior_angle_scapula"),
                       ("low_back", "sacroiliac"), ("chest_anterior", "sternum"),
                       ("dorsal_forearm", "dorsal_wrist"), ("occiput", "mastoid_postauricular"),
                       ("palm", "thumb_base")]:
        assert area[big] > area[small], f"{big} {area[big]:.4f} <= {small} {area[small]:.4f} m2"


LANDMARK_REGIONS = [
    ("acromion_tip_r", {"acromion"}), ("acromion_tip_l", {"acromion"}),
    ("patella_centre_r", {"anterior_knee"}), ("patella_centre_l", {"anterior_knee"}),
    ("c7_spinous", {"posterior_neck", "angle_of_neck"}),
    ("umbilicus", {"upper_abdomen", "lower_abdomen"}), ("sternal_angle", {"sternum"}),
    ("inion", {"occiput"}), ("nipple_r", {"breast"}), ("buttock_centre_l", {"buttock"}),
    ("heel_plantar_r", {"heel"}), ("heel_posterior_l", {"heel"}),
    ("popliteal_fossa_r", {"posterior_knee"}), ("olecranon_l", {"olecranon"}),
    ("middle_tip_r", {"middle_finger"}), ("thumb_tip_l", {"thumb"}),
    ("lateral_malleolus_r", {"lateral_ankle"}), ("medial_malleolus_l", {"medial_ankle"}),
    ("big_toe_tip_r", {"big_toe"}), ("sacrum_s2", {"sacrum"}),
    ("greater_trochanter_r", {"greater_trochanter"}), ("supraspinous_fossa_r", {"suprascapular"}),
    ("infraspinous_fossa_l", {"scapula"}), ("l3_spinous", {"low_back"}),
    ("t4_spinous", {"interscapular"}), ("calf_bulk_r", {"calf"}), ("shin_mid_l", {"anterior_leg"}),
]


@pytest.mark.parametrize("name, expected", LANDMARK_REGIONS)
def test_skin_nearest_to_a_landmark_has_its_region(labelled, name, expected):
    p = labelled["lm"][name]
    pts = labelled["points"]
    same_side = (pts[:, 0] >= 0) == (p[0] >= 0) if abs(p[0]) > 1e-6 else np.ones(len(pts), bool)
    rows = np.flatnonzero(same_side)
    i = rows[np.argmin(np.linalg.norm(pts[rows] - p, axis=1))]
    got = labelled["ids"][labelled["region"][i]]
    assert got in expected, f"{name}: nearest skin is '{got}', expected {sorted(expected)}"


def test_labelling_is_fast(labelled):
    # 150k vertices in about 3 s; scale the budget by the mesh size (CPU time, not wall)
    budget = 3.0 * max(len(labelled["points"]), 50_000) / 150_000 + 1.0
    assert labelled["seconds"] < budget, f"{labelled['seconds']:.2f} s"


def test_mirror_symmetry_of_the_synthetic_body():
    lm = posed_landmarks()
    pts, nrm, faces = synthetic_skin(lm, step=0.012)
    region, _ = label_skin(pts, nrm, faces, lm, region_ids())
    mirrored = pts * np.array([-1.0, 1, 1])
    d, j = cKDTree(pts).query(mirrored)
    close = d < 0.003
    agree = np.mean(region[close] == region[j[close]])
    assert agree > 0.97, f"left/right labels agree on only {agree:.1%}"


def test_bad_rules_give_one_line_per_problem(tmp_path):
    bad = tmp_path / "regions_rules.yaml"
    bad.write_text("rules:\n  - {region: calf, segment: tail, wobble: 1}\n"
                   "  - {segment: leg}\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_rules(bad)
    lines = str(err.value).splitlines()
    assert any("segment" in x and "tail" in x for x in lines)
    assert any("wobble" in x for x in lines)
    assert any("region/split" in x for x in lines)
    assert all(x.startswith("regions_rules.yaml") for x in lines)


def test_the_shipped_rules_load_and_anchor_every_region():
    rules = load_rules(RULES_PATH)
    assert set(rules.anchors) == set(region_ids())


def test_a_missing_landmark_is_named_in_one_line():
    lm = posed_landmarks()
    del lm["patella_centre_r"]
    pts, nrm, faces = synthetic_skin(lm, step=0.02)
    with pytest.raises(ValueError, match="patella_centre") as err:
        label_skin(pts, nrm, faces, lm, region_ids())
    assert len(str(err.value).splitlines()) == 1
