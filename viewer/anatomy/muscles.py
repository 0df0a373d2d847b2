"""Muscle parts, built deep to superficial, each layer draped over the ones beneath."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from viewer.anatomy import meshutil
from viewer.anatomy.fields import Field, mark_points, signed_distance
from viewer.anatomy.loft import Sheet, design_sheet, drape, frame_arrays, sheet_mesh
from viewer.anatomy.parts import Part, bilateral, side_label
from viewer.anatomy.sdf import Grid
from viewer.anatomy.spec import AnatomyData, Entry

LAYERS = ("deep", "intermediate", "superficial")


@dataclass
class BuiltMuscle:
    entry: Entry
    sheet: Sheet
    part: Part


def _mirror_points(points: np.ndarray) -> np.ndarray:
    return points * np.array([-1.0, 1.0, 1.0])


def build_muscles(data: AnatomyData, grid: Grid, occupancy: np.ndarray, resolution: dict,
                  log=print) -> list[BuiltMuscle]:
    """Loft every part of ``muscles/*.yaml``; ``occupancy`` (bones, fillers) grows layer by layer."""
    sk = data.skeleton
    clearance = sk.mm(data.build.number("muscle_clearance_mm"))
    default_hug = data.build.number("muscle_hug_mm")
    step = grid.spacing * 0.5
    built: list[BuiltMuscle] = []
    for layer in LAYERS:
        entries = [e for e in data.muscles if e.choice("layer", LAYERS) == layer]
        if not entries:
            continue
        under = Field(grid, signed_distance(occupancy, grid.spacing))
        for entry in entries:
            sheet = design_sheet(entry, sk)
            if entry.get("drape", True):  # muscles inside a filler (psoas, pterygoids) stay put
                sheet = drape(sheet, under, clearance, sk.mm(entry.number("hug_mm", default_hug)))
            built.append(BuiltMuscle(entry, sheet, _muscle_part(entry, sheet, layer, resolution)))
        for b in built[-len(entries):]:
            pts = b.sheet.interior_points(step)
            mark_points(occupancy, grid, pts)
            mark_points(occupancy, grid, _mirror_points(pts))
        log(f"  muscles: {layer} layer, {len(entries)} parts per side")
    return built


def _muscle_part(entry: Entry, sheet: Sheet, layer: str, resolution: dict) -> Part:
    muscle = str(entry.get("muscle"))
    lods = {}
    for lod, (ns, nt) in resolution["mesh"].items():
        arrays = sheet_mesh(sheet, ns, nt)
        arrays["faces"] = meshutil.orient_outward(arrays["points"], arrays["faces"])
        arrays["normals"] = meshutil.vertex_normals(arrays["points"], arrays["faces"])
        arrays.update(frame_arrays(sheet, *resolution["frame"]))
        lods[lod] = arrays
    label = str(entry.get("label"))
    return Part(entry.name + "_r", "muscle", entry.name, "right", layer, side_label(label, "right"),
                muscle=muscle, lods=lods)


def muscle_parts(built: list[BuiltMuscle]) -> list[Part]:
    out: list[Part] = []
    for b in built:
        out.extend(bilateral(b.part))
    return out
