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


# --- interference: muscle inside bone, muscles of one layer inside each other -----------------

def _flat_sheet(centre, length=0.10, width=0.05, thickness=0.010):
    """A flat muscle sheet along z (fibres), across x, superficial side +y."""
    from viewer.anatomy.loft import Sheet

    s, t = np.linspace(0, 1, 9), np.linspace(0, 1, 5)
    ss, tt = np.meshgrid(s, t, indexing="ij")
    mid = np.stack([(tt - 0.5) * width, np.zeros_like(ss), (ss - 0.5) * length], axis=-1) + np.asarray(centre)
    normal = np.broadcast_to(np.array([0.0, 1.0, 0.0]), mid.shape).copy()
    return Sheet(s, t, mid, normal, np.full(ss.shape, thickness))


def _built(name, centre, layer="superficial", **kw):
    from types import SimpleNamespace

    return SimpleNamespace(sheet=_flat_sheet(centre, **kw), entry=SimpleNamespace(name=name),
                           part=SimpleNamespace(layer=layer))


SETTINGS = {"step": 0.003, "bone_tol": 0.001, "end_zone": 0.15, "max_bone": 0.05, "shrink": 0.0015,
            "max_overlap": 0.2}


def test_volume_samples_fill_the_sheet():
    from viewer.anatomy.interference import volume_samples

    pts, s = volume_samples(_flat_sheet((0.3, 0.0, 1.0)), 0.003)
    assert np.all(np.abs(pts[:, 1]) <= 0.005 + 1e-9) and np.all(np.abs(pts[:, 0] - 0.3) <= 0.025 + 1e-9)
    assert s.min() == 0.0 and s.max() == 1.0 and len(pts) == len(s)
    shrunk, _ = volume_samples(_flat_sheet((0.3, 0.0, 1.0)), 0.003, shrink=0.002)
    assert np.abs(shrunk[:, 1]).max() == pytest.approx(0.003)


def test_muscle_sitting_in_bone_is_caught():
    from viewer.anatomy.sdf import Ellipsoid

    bone = [Ellipsoid(np.array([0.3, 0.0, 1.0]), np.array([0.05, 0.05, 0.2]))]
    built = [_built("buried", (0.3, 0.0, 1.0)), _built("free", (0.3, 0.2, 1.0))]
    measures, failures, table = gates.check_interference(built, bone, SETTINGS)
    assert failures == [f for f in failures if f.startswith("buried:")] and len(failures) == 1
    assert "100% of its belly volume lies inside bone" in failures[0]
    assert table.index("buried") < table.index("free")  # worst first
    assert "buried" in measures["muscle in bone"]


def test_muscle_on_bone_surface_passes():
    from viewer.anatomy.sdf import Ellipsoid

    # the sheet's deep face (y = 0.195) rests on a bone whose surface is at y = 0.195
    bone = [Ellipsoid(np.array([0.3, 0.095, 1.0]), np.array([0.1, 0.1, 0.3]))]
    _, failures, _ = gates.check_interference([_built("resting", (0.3, 0.2, 1.0))], bone, SETTINGS)
    assert failures == []


def test_same_layer_overlap_is_caught_and_touching_is_not():
    built = [_built("a", (0.3, 0.0, 1.0)), _built("b", (0.3, 0.003, 1.0)), _built("c", (0.3, 0.2, 1.0)),
             _built("d", (0.3, 0.21, 1.0))]  # c and d touch face to face (10 mm apart, 10 mm thick)
    _, failures, table = gates.check_interference(built, [], SETTINGS)
    assert sorted(f.split(":")[0] for f in failures) == ["a", "b"]
    assert any("overlaps b in the superficial layer" in f for f in failures)


def test_other_layers_may_overlap():
    built = [_built("a", (0.3, 0.0, 1.0)), _built("b", (0.3, 0.003, 1.0), layer="deep")]
    assert gates.check_interference(built, [], SETTINGS)[1] == []


def test_midline_part_overlapping_its_mirror_is_caught():
    built = [_built("across", (0.01, 0.0, 1.0))]  # 5 cm wide centred 1 cm off the midline
    _, failures, _ = gates.check_interference(built, [], SETTINGS)
    assert failures and "across (left)" in failures[0]


# --- bones: one piece, rib heads --------------------------------------------------------------

def test_bone_falling_apart_is_refused():
    from viewer.anatomy.bones import BoneShape, mesh_bone
    from viewer.anatomy.sdf import Capsule
    from viewer.anatomy.spec import Entry

    def shape(gap: float) -> BoneShape:
        prims = [Capsule(np.array([0.0, 0.0, 0.0]), np.array([0.0, 0.0, 0.05]), 0.01, 0.01),
                 Capsule(np.array([0.0, 0.0, 0.07 + gap]), np.array([0.0, 0.0, 0.1 + gap]), 0.01, 0.01)]
        return BoneShape(Entry("data/anatomy/bones.yaml", "humerus", {}), "humerus", "Humerus", False, prims,
                         0.002, True, (400, 200))

    assert set(mesh_bone(shape(-0.02), 0.004, 2)) == {0, 1}  # overlapping pieces: one bone
    with pytest.raises(AnatomyDataError, match=r"entry 'humerus'.*'shapes'.*2 separate pieces"):
        mesh_bone(shape(0.02), 0.004, 2)


def test_rib_head_column_adds_a_neck_to_the_spine():
    from viewer.anatomy.bones import rib_primitives
    from viewer.anatomy.spec import Entry

    sk = Skeleton({"glenohumeral_centre": Landmark("glenohumeral_centre", np.zeros(3), "humerus")}, 1.755, 18.0)
    row = [0.8, 0.06, 0.05, 0.01, 0.76, 0.9]
    raw = {"radius_mm": 6, "samples": 5, "start": 0.1, "sag": 0.01, "table": [row]}
    plain = rib_primitives(Entry("bones.yaml", "ribs", raw), sk)
    headed = rib_primitives(Entry("bones.yaml", "ribs", dict(raw, table=[row + [0.01, -0.01]])), sk)
    assert len(plain) == 4 and len(headed) == 5
    assert np.allclose(headed[0].a, np.array([0.01, -0.01, 0.8]) * 1.755)
    assert np.allclose(headed[0].b, plain[0].a)
    with pytest.raises(AnatomyDataError, match=r"table\[0\]"):
        rib_primitives(Entry("bones.yaml", "ribs", dict(raw, table=[row + [0.01]])), sk)


def test_rib_back_fullness_sweeps_only_the_back_half():
    from viewer.anatomy.bones import rib_primitives
    from viewer.anatomy.spec import Entry

    sk = Skeleton({"glenohumeral_centre": Landmark("glenohumeral_centre", np.zeros(3), "humerus")}, 1.0, 18.0)
    raw = {"radius_mm": 6, "samples": 11, "start": 0.0, "sag": 0.0, "table": [[0.8, 0.06, 0.05, 0.01, 0.8, 1.0]]}
    ellipse = rib_primitives(Entry("bones.yaml", "ribs", raw), sk)
    full = rib_primitives(Entry("bones.yaml", "ribs", dict(raw, back_fullness=0.5)), sk)
    back = [k for k in range(1, 5)]  # points a of segments 1-4 lie in the back half (phi < pi/2)
    assert all(full[k].a[1] < ellipse[k].a[1] - 1e-4 for k in back)
    assert all(np.allclose(full[k].a, ellipse[k].a) for k in range(6, 10))  # front half unchanged
    with pytest.raises(AnatomyDataError, match="back_fullness"):
        rib_primitives(Entry("bones.yaml", "ribs", dict(raw, back_fullness=1.5)), sk)


def test_interference_settings_are_checked():
    from types import SimpleNamespace

    from viewer.anatomy.spec import Entry

    def settings(table):
        build = Entry("data/anatomy/build.yaml", "build", {"gates": {"interference": table}})
        sk = Skeleton({"glenohumeral_centre": Landmark("glenohumeral_centre", np.zeros(3), "humerus")}, 1.755, 18.0)
        return gates.interference_settings(SimpleNamespace(build=build, skeleton=sk))

    s = settings({"step_mm": 3.0, "max_bone_fraction": 0.1})
    assert s["step"] == pytest.approx(0.003) and s["max_bone"] == 0.1 and s["max_overlap"] == 1.0
    with pytest.raises(AnatomyDataError, match=r"gates.interference.*max_overlap_fraction"):
        settings({"max_overlap_fraction": 50})
