"""Bones: smooth unions of SDF primitives (``bones.yaml``), meshed per bone in a local grid."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from viewer.anatomy import meshutil
from viewer.anatomy.parts import Part, bilateral, side_label
from viewer.anatomy.points import Skeleton
from viewer.anatomy.sdf import Capsule, Grid, Primitive, evaluate, primitives_of
from viewer.anatomy.spec import AnatomyData, Entry


@dataclass
class BoneShape:
    entry: Entry
    anatomy: str
    label: str
    midline: bool
    prims: list[Primitive]       # right side (or whole, for midline bones), posed
    blend: float
    keep_largest: bool
    budget: tuple[int, int]      # LOD0, LOD1 triangles


def rib_primitives(entry: Entry, sk: Skeleton) -> list[Primitive]:
    """Ribs of the right side as tubes along tilted half-ellipses (table in ``bones.yaml``).

    Row: [z_back, half_width, half_depth, centre_y, z_front, end] in fractions of stature,
    except ``end`` (fraction of the half turn from the back; 1 = the sternum). The rib runs from
    z_back to z_front and sags below that line by ``sag`` in its middle; ``back_fullness``
    (optional, 1 = ellipse) fills out its back half. Two optional columns
    [head_x, head_y] place the rib head on its vertebral body: a neck then joins the head to
    the start of the curve, so the rib articulates with the spine instead of floating beside it.
    """
    H = sk.stature
    radius = sk.mm(entry.number("radius_mm"))
    samples = int(entry.number("samples"))
    start = entry.number("start")
    sag = entry.number("sag")
    fullness = entry.number("back_fullness", 1.0)
    if not 0.2 <= fullness <= 1.0:
        raise entry.fail("back_fullness", f"expected 0.2 to 1, got {fullness}")
    prims: list[Primitive] = []
    rows = entry.get("table")
    if not isinstance(rows, list) or not rows:
        raise entry.fail("table", "expected a list of rib rows")
    for i, row in enumerate(rows):
        if not (isinstance(row, list) and len(row) in (6, 8)
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in row)):
            raise entry.fail(f"table[{i}]", "expected [z_back, half_width, half_depth, centre_y, z_front, end]"
                                            " and optionally [head_x, head_y]")
        z_back, a, b, yc, z_front, end = (float(v) for v in row[:6])
        phi = np.linspace(start, end, samples) * np.pi
        f = (phi - phi[0]) / (phi[-1] - phi[0])
        c = np.cos(phi)
        # back half: |cos|^p with p < 1 sweeps the rib backwards beside the spine (the
        # kidney-shaped section of the thorax, ribs under the scapula) instead of an ellipse
        c = np.where(c > 0, np.abs(c) ** fullness, c)
        pts = np.stack([a * np.sin(phi), yc - b * c, z_back + (z_front - z_back) * f - sag * np.sin(np.pi * f)], axis=1) * H
        if len(row) == 8:
            pts = np.vstack([np.array([float(row[6]), float(row[7]), z_back]) * H, pts])
        for k in range(len(pts) - 1):
            prims.append(Capsule(pts[k], pts[k + 1], radius, radius))
    return prims


def bone_shapes(data: AnatomyData, step: float) -> list[BoneShape]:
    sk = data.skeleton
    default_budget = data.build.numbers("bone_faces")
    shapes = []
    for entry in data.bones:
        side = entry.choice("side", ("bilateral", "midline"))
        prims = primitives_of(entry, sk, step)
        budget = entry.numbers("faces", 2, default_budget)
        shapes.append(BoneShape(entry, entry.name, str(entry.get("label")), side == "midline", prims,
                                sk.mm(entry.number("blend_mm", 4)), bool(entry.get("single", True)),
                                (int(budget[0]), int(budget[1]))))
    if data.ribs is not None:
        budget = data.ribs.numbers("faces", 2)
        shapes.append(BoneShape(data.ribs, "ribs", str(data.ribs.get("label")), False,
                                rib_primitives(data.ribs, sk), 0.0, False, (int(budget[0]), int(budget[1]))))
    return shapes


def check_one_piece(shape: BoneShape, field: np.ndarray, spacing: float) -> None:
    """A bone meshed as one piece must be one piece: a shape standing apart would be dropped
    silently (as the humeral epicondyles and femoral condyles once were)."""
    from scipy import ndimage

    labels, n = ndimage.label(field < 0)
    if n <= 1:
        return
    sizes = np.sort(np.bincount(labels.ravel())[1:])[::-1]
    lost_cm3 = float(sizes[1:].sum()) * spacing**3 * 1e6
    raise shape.entry.fail("shapes", f"the shapes form {n} separate pieces ({lost_cm3:.1f} cm3 apart from the "
                                     "main one); let them overlap or set 'single: false'")


def mesh_bone(shape: BoneShape, spacing: float, smooth_iter: int) -> dict[int, dict[str, np.ndarray]]:
    lo = np.min([p.lo for p in shape.prims], axis=0)
    hi = np.max([p.hi for p in shape.prims], axis=0)
    grid = Grid.around(lo, hi, spacing, pad=2 * spacing + shape.blend)
    field = evaluate(shape.prims, grid, shape.blend)
    if shape.keep_largest:
        check_one_piece(shape, field, spacing)
    pts, faces = meshutil.iso_surface(field, grid, 0.0, keep_largest=shape.keep_largest)
    lods = {}
    for lod, target in enumerate(shape.budget):
        pts, faces = meshutil.decimate(pts, faces, target)  # LOD1 continues from LOD0
        p, f = pts, faces
        p = meshutil.taubin(p, f, smooth_iter)
        lods[lod] = {"points": p, "faces": f.astype(np.int32), "normals": meshutil.vertex_normals(p, f)}
    return lods


def build_bones(shapes: list[BoneShape], spacing: float, smooth_iter: int) -> list[Part]:
    parts: list[Part] = []
    for shape in shapes:
        lods = mesh_bone(shape, spacing, smooth_iter)
        if shape.midline:
            parts.append(Part(shape.anatomy, "bone", shape.anatomy, "midline", "bone", shape.label, lods=lods))
        else:
            right = Part(shape.anatomy + "_r", "bone", shape.anatomy, "right", "bone",
                         side_label(shape.label, "right"), lods=lods)
            parts.extend(bilateral(right))
    return parts
