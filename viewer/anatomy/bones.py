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
    z_back to z_front and sags below that line by ``sag`` in its middle.
    """
    H = sk.stature
    radius = sk.mm(entry.number("radius_mm"))
    samples = int(entry.number("samples"))
    start = entry.number("start")
    sag = entry.number("sag")
    prims: list[Primitive] = []
    rows = entry.get("table")
    if not isinstance(rows, list) or not rows:
        raise entry.fail("table", "expected a list of rib rows")
    for i, row in enumerate(rows):
        if not (isinstance(row, list) and len(row) == 6):
            raise entry.fail(f"table[{i}]", "expected [z_back, half_width, half_depth, centre_y, z_front, end]")
        z_back, a, b, yc, z_front, end = (float(v) for v in row)
        phi = np.linspace(start, end, samples) * np.pi
        f = (phi - phi[0]) / (phi[-1] - phi[0])
        pts = np.stack([a * np.sin(phi), yc - b * np.cos(phi), z_back + (z_front - z_back) * f - sag * np.sin(np.pi * f)], axis=1) * H
        for k in range(samples - 1):
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


def mesh_bone(shape: BoneShape, spacing: float, smooth_iter: int) -> dict[int, dict[str, np.ndarray]]:
    lo = np.min([p.lo for p in shape.prims], axis=0)
    hi = np.max([p.hi for p in shape.prims], axis=0)
    grid = Grid.around(lo, hi, spacing, pad=2 * spacing + shape.blend)
    field = evaluate(shape.prims, grid, shape.blend)
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
