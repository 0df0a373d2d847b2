"""The quality gates must catch broken input (a gate that cannot fail is no gate)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from viewer.anatomy import gates, measure, meshutil
from viewer.anatomy.errors import AnatomyDataError
from viewer.anatomy.fields import Field
from viewer.anatomy.parts import Part
from viewer.anatomy.points import Landmark, Skeleton
from viewer.anatomy.sdf import Grid


def cube() -> tuple[np.ndarray, np.ndarray]:
    pts = np.array([[x, y, z] for x in (0, 1) for y in (0, 1) for z in (0, 1)], dtype=float)
    faces = np.array([[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
                      [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3]])
    return pts, meshutil.orient_outward(pts, faces)


def test_closed_cube_passes():
    pts, faces = cube()
    assert gates.check_mesh("cube", 0, pts, faces) == []
    assert meshutil.signed_volume(pts, faces) == pytest.approx(1.0)


def test_hole_is_caught():
    pts, faces = cube()
    assert any("not shared by exactly two" in p for p in gates.check_mesh("cube", 0, pts, faces[1:]))


def test_flipped_face_is_caught():
    pts, faces = cube()
    faces = faces.copy()
    faces[0] = faces[0, ::-1]
    assert any("winding" in p for p in gates.check_mesh("cube", 0, pts, faces))


def test_inside_out_is_caught():
    pts, faces = cube()
    assert any("not positive" in p for p in gates.check_mesh("cube", 0, pts, faces[:, ::-1]))


def _part(pid, anatomy, side, muscle="m", kind="muscle", pts=None, faces=None):
    p, f = cube() if pts is None else (pts, faces)
    return Part(pid, kind, anatomy, side, "superficial", pid, muscle, {0: {"points": p, "faces": f}})


def test_budget_gate():
    big = np.zeros((700_000, 3), dtype=np.int32)
    part = Part("x", "bone", "x", "midline", "bone", "x", lods={0: {"faces": big}, 1: {"faces": big[:10]}})
    totals, problems = gates.check_budgets([part])
    assert totals[0] == 700_000 and len(problems) == 1 and "LOD0" in problems[0]


def test_mirror_gate():
    pts, _ = cube()
    left = pts * np.array([-1.0, 1.0, 1.0])
    assert gates.check_mirror(pts, left, "m") == []
    left[0, 2] += 0.002
    assert gates.check_mirror(pts, left, "m")


def test_coverage_gate():
    parts = [_part("a_r", "a", "right", muscle="a"), _part("a_l", "a", "left", muscle="a"),
             _part("b_r", "b", "right", muscle="b")]
    problems = gates.check_coverage(["a", "b", "c"], parts)
    assert problems == ["coverage: core muscle 'b' has no left part",
                        "coverage: core muscle 'c' has no right part", "coverage: core muscle 'c' has no left part"]


def test_inside_skin_gate():
    grid = Grid(np.array([-1.0, -1.0, -1.0]), 0.05, (41, 41, 41))
    axes = [grid.origin[k] + grid.spacing * np.arange(41) for k in range(3)]
    x, y, z = np.meshgrid(*axes, indexing="ij")
    skin = Field(grid, (np.sqrt(x**2 + y**2 + z**2) - 0.9).astype(np.float32))  # a ball of 0.9 m
    pts, faces = cube()
    inside = _part("m_r", "m", "right", pts=pts * 0.5 - 0.25, faces=faces)
    outside = _part("n_r", "n", "right", pts=pts * 1.6 - 0.8, faces=faces)
    assert gates.check_inside_skin([inside], skin)[1] == []
    assert gates.check_inside_skin([outside], skin)[1]


def test_volume_ranking_gate():
    names = {n for _, big, small in measure.RANKINGS for n in big + small}
    names |= set(measure.DELTOID) | {n for g in measure.UPPER_LIMB_GROUPS.values() for n in g}
    volumes = {n: 1e-5 for n in names}
    for n in ("gluteus_maximus", "rectus_femoris", "soleus", "gastrocnemius_medial_head", "gluteus_medius",
              "gluteus_minimus_anterior", "deltoid_middle"):
        volumes[n] = {"gluteus_maximus": 9e-4, "gluteus_medius": 5e-4, "gluteus_minimus_anterior": 2e-4,
                      "rectus_femoris": 9e-4, "soleus": 5e-4, "gastrocnemius_medial_head": 2e-4,
                      "deltoid_middle": 6e-4}[n]
    assert measure.volume_ranking(volumes)[1] == []
    volumes["piriformis"] = 1e-3
    failures = measure.volume_ranking(volumes)[1]
    assert failures == [f for f in failures if "piriformis" in f] and failures


def test_girth_of_a_cylinder():
    import trimesh

    tube = trimesh.creation.cylinder(radius=0.1, height=1.0, sections=256)
    g = measure.girth(np.asarray(tube.vertices), np.asarray(tube.faces), 0.0, np.array([0.0, 0.0]))
    assert g == pytest.approx(2 * np.pi * 0.1, rel=1e-3)


def test_unknown_landmark_names_the_entry():
    sk = Skeleton({"glenohumeral_centre": Landmark("glenohumeral_centre", np.zeros(3), "humerus")}, 1.755, 18.0)
    with pytest.raises(AnatomyDataError, match="entry 'nowhere'"):
        sk.resolve("nowhere", "data/anatomy/bones.yaml: femur")
    with pytest.raises(AnatomyDataError, match="unknown key"):
        sk.resolve({"at": "glenohumeral_centre", "offset": [1, 2, 3]}, "data/anatomy/bones.yaml: femur")


def test_yaml_off_key_is_not_a_boolean(tmp_path: Path):
    from viewer.anatomy.spec import _read

    path = tmp_path / "x.yaml"
    path.write_text("p: {at: vertex, off: [1, 2, 3]}\nflag: true\n", encoding="utf-8")
    assert _read(path, "x.yaml") == {"p": {"at": "vertex", "off": [1, 2, 3]}, "flag": True}


def test_arm_landmarks_are_abducted():
    lms = {"glenohumeral_centre": Landmark("glenohumeral_centre", np.array([0.1, 0.0, 0.8]), "humerus"),
           "radial_styloid": Landmark("radial_styloid", np.array([0.1, 0.0, 0.5]), "radius")}
    sk = Skeleton(lms, 1.0, 20.0)
    wrist = sk.landmark("radial_styloid")
    assert wrist[0] == pytest.approx(0.1 + 0.3 * np.sin(np.radians(20)))
    assert wrist[2] == pytest.approx(0.8 - 0.3 * np.cos(np.radians(20)))
