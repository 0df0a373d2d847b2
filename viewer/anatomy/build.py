"""``build_assets``: data/anatomy -> assets/meshes (bones, muscles deep to superficial, skin)."""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from viewer.anatomy import gates, spec
from viewer.anatomy.bones import BoneShape, bone_shapes, build_bones
from viewer.anatomy.errors import AnatomyDataError
from viewer.anatomy.export import write_assets
from viewer.anatomy.fields import mark_primitives
from viewer.anatomy.muscles import build_muscles, muscle_parts
from viewer.anatomy.sdf import Grid, Primitive
from viewer.anatomy.skin import build_skin, filler_primitives

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one thread: identical floating-point results run to run


@dataclass(frozen=True)
class Resolution:
    bone_spacing: float
    field_spacing: float
    skin_spacing: float
    skin_faces: tuple[int, int]
    muscle_mesh: dict[int, tuple[int, int]]
    frame: tuple[int, int]
    bone_smoothing: int
    muscle_step: dict[int, float]  # station spacing along a muscle per LOD (0: always the full grid)


def resolution(data: spec.AnatomyData, coarse: bool) -> Resolution:
    table = data.build.get("resolution")
    key = "coarse" if coarse else "full"
    if not isinstance(table, dict) or not isinstance(table.get(key), dict):
        raise data.build.fail("resolution", f"needs a '{key}' mapping")
    e = spec.Entry(data.build.where, f"resolution.{key}", table[key])
    mm = data.skeleton.mm
    mesh = e.get("muscle_mesh")
    if not (isinstance(mesh, list) and len(mesh) == 2 and all(isinstance(m, list) and len(m) == 2 for m in mesh)):
        raise e.fail("muscle_mesh", "expected [[S, T] for LOD0, [S, T] for LOD1]")
    if any(int(m[0]) % 2 == 0 for m in mesh):
        raise e.fail("muscle_mesh", "S must be odd (s = 0.5 is a station, as in the frame)")
    faces = e.numbers("skin_faces", 2)
    frame = e.numbers("frame", 2)
    step = e.numbers("muscle_step_mm", 2) if "muscle_step_mm" in e.raw else [0.0, 0.0]
    if any(v < 0 for v in step):
        raise e.fail("muscle_step_mm", "expected two lengths >= 0 (mm; 0 keeps the full grid)")
    return Resolution(mm(e.number("bone_mm")), mm(e.number("field_mm")), mm(e.number("skin_mm")),
                      (int(faces[0]), int(faces[1])), {0: (int(mesh[0][0]), int(mesh[0][1])),
                                                       1: (int(mesh[1][0]), int(mesh[1][1]))},
                      (int(frame[0]), int(frame[1])), int(e.number("bone_smoothing")),
                      {0: mm(step[0]), 1: mm(step[1])})


def _both_sides(shapes: list[BoneShape]) -> list[Primitive]:
    prims: list[Primitive] = []
    for shape in shapes:
        prims.extend(shape.prims)
        if not shape.midline:
            prims.extend(p.mirrored() for p in shape.prims)
    return prims


def _mirror(prims: list[Primitive]) -> list[Primitive]:
    return prims + [p.mirrored() for p in prims]


def _body_grid(prims: list[Primitive], spacing: float, extra: list[np.ndarray] = ()) -> Grid:
    lo = np.min([p.lo for p in prims] + [e.min(axis=0) for e in extra], axis=0)
    hi = np.max([p.hi for p in prims] + [e.max(axis=0) for e in extra], axis=0)
    half = max(abs(lo[0]), abs(hi[0]))
    lo[0], hi[0] = -half, half  # symmetric about x = 0 so left and right sample alike
    grid = Grid.around(lo, hi, spacing, pad=0.06)
    n = int(np.ceil((-grid.origin[0]) / spacing))
    origin = grid.origin.copy()
    origin[0] = -n * spacing
    return Grid(origin, spacing, (2 * n + 1, grid.shape[1], grid.shape[2]))


def _labeller():
    try:
        from viewer.anatomy.regions import label_skin  # written by the regions helper
    except ImportError:
        return None
    return label_skin


def _write_interference(folder: Path, table: str) -> None:
    """The per-part penetration/overlap table (worst first), next to the review screenshots."""
    if table:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "interference.txt").write_text(table, encoding="utf-8")


def _add_tones(data: spec.AnatomyData, built: list) -> None:
    """Per-vertex striation/tendon ``tone`` of every muscle part (data/anatomy/shading.yaml;
    without that file the parts carry none and the viewer draws them in one flat colour)."""
    if not (data.root / "shading.yaml").exists():
        return
    from viewer.anatomy.shading import add_tone, load_shading

    shading = load_shading(data.root, {e.name for e in data.muscles})
    for b in built:
        add_tone(b.part, b.entry, shading)


class _BonesAside:
    """The bone meshes built in a second process while this one builds the muscles and the
    skin, which need only the bones' shapes: on two cores this takes the ~20 s of bone
    meshing off the build's wall time [measured]. A fresh ("spawn") interpreter, so that a
    process with Qt or worker threads loaded (the test suite) is never forked; if the second
    process cannot start or fails, the bones are built here. Same code, one thread each:
    identical meshes either way (the determinism test builds through this path)."""

    def __init__(self, shapes: list[BoneShape], spacing: float, smoothing: int) -> None:
        self.args = (shapes, spacing, smoothing)
        self.pool = None
        self.pending = None
        if (os.cpu_count() or 1) < 2:
            return
        try:
            self.pool = multiprocessing.get_context("spawn").Pool(1)
            self.pending = self.pool.apply_async(build_bones, self.args)
        except Exception:  # noqa: BLE001 - no second process: build them in this one
            self.stop()

    def result(self) -> list:
        try:
            if self.pending is not None:
                return self.pending.get()
        except AnatomyDataError:  # bad bone data: the same error here, reported at once
            raise
        except Exception:  # noqa: BLE001 - the worker died or failed: build them here
            pass
        finally:
            self.stop()
        return build_bones(*self.args)

    def stop(self) -> None:
        """End the second process (at once: a failed build does not wait for its bones)."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
        self.pool, self.pending = None, None


def _muscles_and_skin(data: spec.AnatomyData, res: Resolution, bone_prims: list[Primitive],
                      log: Callable[[str], None], started: float):
    """The muscles, deep to superficial, then the skin over them (and its field, for the gates)."""
    step = min(res.field_spacing, res.skin_spacing) / 2
    anatomy_names = {e.name for e in data.muscles}
    under_fillers = _mirror(filler_primitives(data, anatomy_names, step, underlayer_only=True))
    grid = _body_grid(bone_prims + under_fillers + _mirror(filler_primitives(data, set(), step, False)),
                      res.field_spacing)
    occupancy = np.zeros(grid.shape, dtype=bool)
    mark_primitives(occupancy, grid, bone_prims + under_fillers)
    built = build_muscles(data, grid, occupancy, {"mesh": res.muscle_mesh, "frame": res.frame, "step": res.muscle_step}, log)
    del occupancy
    log(f"  muscles: {len(built)} parts per side ({time.perf_counter() - started:.1f} s)")
    _add_tones(data, built)
    fillers = _mirror(filler_primitives(data, anatomy_names, step, underlayer_only=False))
    muscle_pts = []
    for b in built:
        pts = b.sheet.interior_points(res.skin_spacing * 0.5, pad=res.skin_spacing * 0.5)
        # the mesh vertices themselves too, so the skin provably covers every one of them
        pts = np.concatenate([pts] + [lod["points"] for lod in b.part.lods.values()])
        muscle_pts.extend([pts, pts * np.array([-1.0, 1.0, 1.0])])
    skin_grid = _body_grid(bone_prims + fillers, res.skin_spacing, muscle_pts)
    skin, skin_field = build_skin(data, skin_grid, bone_prims + fillers, muscle_pts, res.skin_faces, _labeller(), log)
    log(f"  skin done ({time.perf_counter() - started:.1f} s)")
    return built, skin, skin_field


def build_assets(data_dir: Path, out_dir: Path, *, coarse: bool = False, screenshots: bool = True,
                 log: Callable[[str], None] = print, check: bool = True) -> dict:
    """Build every part, run the quality gates and write ``out_dir`` (``assets/meshes``).

    Raises :class:`viewer.anatomy.gates.BuildError` with the gate report when a gate fails
    (nothing is written then, unless ``check`` is False).
    """
    started = time.perf_counter()
    data = spec.load(Path(data_dir))
    res = resolution(data, coarse)
    log(f"build-assets: {'coarse' if coarse else 'full'} build, stature {data.skeleton.stature:.3f} m")
    shapes = bone_shapes(data, min(res.bone_spacing, 0.0015))
    bones_aside = _BonesAside(shapes, res.bone_spacing, res.bone_smoothing)
    bone_prims = _both_sides(shapes)
    try:
        built, skin, skin_field = _muscles_and_skin(data, res, bone_prims, log, started)
    except BaseException:
        bones_aside.stop()
        raise
    bone_parts = bones_aside.result()
    log(f"  bones: {len(bone_parts)} parts ({time.perf_counter() - started:.1f} s)")
    parts = [skin] + bone_parts + muscle_parts(built)
    landmarks = data.skeleton.manifest_landmarks()
    t0 = time.perf_counter()
    report = gates.run_gates(data, parts, built, landmarks, skin_field, bone_prims)
    log(f"  gates: {time.perf_counter() - t0:.1f} s")
    del skin_field
    _write_interference(Path(out_dir).parent / "review", report.pop("interference", ""))
    report["seconds_before_write"] = round(time.perf_counter() - started, 1)
    if check and report["failures"]:
        raise gates.BuildError(gates.format_report(report))
    manifest = write_assets(Path(out_dir), parts, data.skeleton.stature, data.region_ids, landmarks)
    report["triangles"] = {lod: v["triangles"] for lod, v in manifest["lods"].items()}
    report["parts"] = len(parts)
    if screenshots:
        from viewer.anatomy.review import write_review

        write_review(Path(out_dir), parts, Path(out_dir).parent / "review", log)
    report["seconds"] = round(time.perf_counter() - started, 1)
    log(gates.format_report(report))
    return report
