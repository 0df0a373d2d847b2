"""Gates on the committed assets in assets/meshes (what the app loads)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from viewer.anatomy import gates
from viewer.geometry.meshes import MeshLibrary

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "assets" / "meshes"
BUILD = yaml.safe_load((ROOT / "data" / "anatomy" / "build.yaml").read_text(encoding="utf-8"))
CORE = BUILD["core_muscles"]
MESH_GRID = {lod: tuple(g) for lod, g in enumerate(BUILD["resolution"]["full"]["muscle_mesh"])}

pytestmark = pytest.mark.skipif(not (ASSETS / "manifest.json").exists(), reason="assets not built")


@pytest.fixture(scope="module", params=[0, 1])
def lib(request) -> MeshLibrary:
    return MeshLibrary(ASSETS, lod=request.param)


def test_manifest_matches_files(lib):
    assert lib.verify() == []


def test_every_part_closed_manifold_positive_volume(lib):
    problems = []
    for info in lib.parts:
        mesh = lib.load(info.id)
        problems += gates.check_mesh(info.id, lib.lod, mesh.points.astype(np.float64), mesh.faces)
    assert problems == []


def test_budgets(lib):
    total = sum(p.faces for p in lib.parts)
    assert total == lib.manifest["lods"][str(lib.lod)]["triangles"]
    assert total <= gates.LOD_BUDGETS[lib.lod]


def test_every_core_muscle_on_both_sides(lib):
    have = {(p.muscle, p.side) for p in lib.parts_of_kind("muscle")}
    missing = [(m, s) for m in CORE for s in ("right", "left") if (m, s) not in have]
    assert missing == []


def test_left_parts_mirror_right_parts(lib):
    for info in lib.parts:
        if info.side != "right":
            continue
        left_id = info.anatomy + "_l"
        assert lib.has_part(left_id), left_id
        right, left = lib.load(info.id), lib.load(left_id)
        assert np.abs(right.points * np.array([-1, 1, 1]) - left.points).max() < 1e-3


def test_muscle_frames_are_sane(lib):
    for info in lib.parts_of_kind("muscle"):
        m = lib.load(info.id)
        n = m.n_points
        assert m.arrays["s"].shape == (n,) and m.arrays["t"].shape == (n,)
        assert 0.0 <= m.arrays["s"].min() and m.arrays["s"].max() <= 1.0
        fibre = m.arrays["fibre"]
        assert np.allclose(np.linalg.norm(fibre, axis=1), 1.0, atol=1e-3)
        mid, normal, thick = m.arrays["frame_mid"], m.arrays["frame_normal"], m.arrays["frame_thickness"]
        S, T = thick.shape
        assert mid.shape == (S, T, 3) and normal.shape == (S, T, 3) and S >= 5 and T >= 3
        assert np.all(np.isfinite(mid)) and np.allclose(np.linalg.norm(normal, axis=2), 1.0, atol=1e-3)
        assert thick.min() > 0 and thick.max() < 0.08, info.id
        # the frame and the mesh sample one surface: where their stations coincide (s and t in
        # {0, 0.5, 1}) the frame's mid-surface is the mesh's mid-surface (mean of top and bottom)
        ns = len(np.unique(m.arrays["s"]))  # stations along: fewer on a short part (muscle_step_mm)
        assert ns % 2 == 1 and ns <= MESH_GRID[lib.lod][0], info.id
        nt = n // (2 * ns)  # the build's count across, or more where a part asks for it (mesh_across)
        assert 2 * ns * nt == n, info.id
        top = m.points[: ns * nt].reshape(ns, nt, 3)
        bottom = m.points[ns * nt:].reshape(ns, nt, 3)
        mesh_mid = (top + bottom) / 2
        for fs, ms in _shared_stations(S, ns):
            for ft, mt in _shared_stations(T, nt):
                assert np.allclose(mid[fs, ft], mesh_mid[ms, mt], atol=2e-4), info.id


def _shared_stations(n_frame: int, n_mesh: int) -> list[tuple[int, int]]:
    """Index pairs at which two uniform grids over [0, 1] sample the same parameter."""
    pairs = [(i, j) for i in range(n_frame) for j in range(n_mesh) if i * (n_mesh - 1) == j * (n_frame - 1)]
    assert (0, 0) in pairs and (n_frame - 1, n_mesh - 1) in pairs
    return pairs


def test_frame_normal_points_to_the_superficial_side(lib):
    """The superficial face (mid + normal * h/2) is farther from the body axis than the deep face,
    for the back muscles whose outside is unambiguous."""
    for name in ("lower_trapezius_r", "latissimus_dorsi_r", "gluteus_maximus_r"):
        m = lib.load(name)
        mid, normal = m.arrays["frame_mid"], m.arrays["frame_normal"]
        assert float(np.mean(normal[..., 1])) < -0.3, name  # posterior on average


def test_skin_has_regions_and_sides(lib):
    skin = lib.load(lib.skin_part().id)
    region, side = skin.arrays["region"], skin.arrays["side"]
    assert region.dtype == np.uint16 and region.shape == (skin.n_points,)
    assert int(region.max()) < len(lib.regions)
    assert set(np.unique(side)) <= {-1, 1}
    assert np.all(side[skin.points[:, 0] > 0.01] == 1) and np.all(side[skin.points[:, 0] < -0.01] == -1)


def test_manifest_landmarks_are_posed_and_paired():
    manifest = json.loads((ASSETS / "manifest.json").read_text(encoding="utf-8"))
    lms = manifest["landmarks"]
    for name, xyz in lms.items():
        if name.endswith("_r"):
            twin = lms[name[:-2] + "_l"]
            assert xyz[0] == pytest.approx(-twin[0]) and xyz[1:] == twin[1:]
    # A-pose: the wrist is farther from the midline than in anatomical position
    assert lms["radial_styloid_r"][0] > 0.146 * manifest["stature_m"] + 0.05


def test_arms_hang_clear_of_the_trunk(lib):
    """A-pose: from elbow to wrist the forearm's skin is a loop of its own, apart from the trunk
    and thigh (the skin never webs arm to trunk), with a clear gap at the wrist."""
    from viewer.anatomy.measure import _inside, _slice_loops  # noqa: PLC2701 - shared test helpers

    skin = lib.load(lib.skin_part().id)
    pts, faces = skin.points.astype(np.float64), skin.faces
    lms = lib.landmarks
    wrist, elbow, hip = lms["ulnar_styloid_r"], lms["olecranon_r"], lms["hip_centre_r"]
    for f in np.linspace(0.1, 0.9, 5):
        z = wrist[2] + f * (elbow[2] - wrist[2])
        arm = wrist + f * (elbow - wrist)
        body = np.array([0.0, 0.0]) if z > hip[2] + 0.05 else hip[:2]
        loops = [loop[:, :2] for loop in _slice_loops(pts, faces, z) if _inside(loop[:, :2], arm[:2])]
        assert loops, f"no skin section around the forearm at z = {z:.3f} m"
        assert not any(_inside(loop, body) for loop in loops), f"forearm webbed to the trunk at z = {z:.3f} m"
    # a clear gap at the wrist: the forearm's section is at least 3 cm from the thigh's
    sections = _slice_loops(pts, faces, float(wrist[2]))
    arm_loop = next(loop for loop in sections if _inside(loop[:, :2], wrist[:2]))
    thigh_loop = next((loop for loop in sections if _inside(loop[:, :2], hip[:2])), None)
    if thigh_loop is not None:
        gap = float(np.min(np.linalg.norm(arm_loop[:, None, :2] - thigh_loop[None, :, :2], axis=2)))
        assert gap > 0.03, f"wrist only {gap * 1000:.0f} mm from the thigh"
