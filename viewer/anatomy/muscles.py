"""Muscle parts, built deep to superficial, each layer draped over the ones beneath."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from viewer.anatomy import meshutil
from viewer.anatomy.fields import Field, mark_points, signed_distance
from viewer.anatomy.loft import DrapeSettings, Sheet, design_sheet, drape, frame_arrays, sheet_mesh
from viewer.anatomy.parts import Part, bilateral, side_label
from viewer.anatomy.sdf import Grid
from viewer.anatomy.spec import AnatomyData, Entry

LAYERS = ("deep", "intermediate", "superficial")
DRAPE_SMOOTH_MM = 15.0  # default smoothing length of the drape (overridable in build.yaml / per part)


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
    step = grid.spacing * 0.5
    built: list[BuiltMuscle] = []
    for layer in LAYERS:
        entries = [e for e in data.muscles if e.choice("layer", LAYERS) == layer]
        for stack in _stacks(entries):
            group = [e for e in entries if _stack(e) == stack]
            under = Field(grid, signed_distance(occupancy, grid.spacing))
            for entry in group:
                sheet = design_sheet(entry, sk)
                if entry.get("drape", True):  # placed by data (psoas, iliacus, ...): stay put
                    sheet = drape(sheet, under, _drape_settings(entry, data, clearance))
                built.append(BuiltMuscle(entry, sheet, _muscle_part(entry, sheet, layer, resolution)))
            for b in built[-len(group):]:
                pts = b.sheet.interior_points(step)
                mark_points(occupancy, grid, pts)
                mark_points(occupancy, grid, _mirror_points(pts))
        if entries:
            log(f"  muscles: {layer} layer, {len(entries)} parts per side")
    return built


def _stack(entry: Entry) -> int:
    """Order within a layer (optional key ``stack``, default 0): a part drapes over the parts of
    its layer with a lower stack, e.g. the trapezius over the latissimus dorsi."""
    value = entry.number("stack", 0)
    if value != int(value) or value < 0:
        raise entry.fail("stack", f"expected a whole number >= 0, got {value:g}")
    return int(value)


def _stacks(entries: list[Entry]) -> list[int]:
    return sorted({_stack(e) for e in entries})


def _drape_settings(entry: Entry, data: AnatomyData, clearance: float) -> DrapeSettings:
    """Per part: ``hug_mm`` (default build.yaml muscle_hug_mm) and ``drape_smooth_mm`` (the length
    over which the draped shape is smoothed; default build.yaml muscle_drape_smooth_mm or 15)."""
    mm = data.skeleton.mm
    hug = entry.number("hug_mm", data.build.number("muscle_hug_mm"))
    smooth = entry.number("drape_smooth_mm", data.build.number("muscle_drape_smooth_mm", DRAPE_SMOOTH_MM))
    if smooth <= 0:
        raise entry.fail("drape_smooth_mm", "must be > 0")
    return DrapeSettings(clearance=clearance, hug=mm(hug), smooth=mm(smooth))


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
    # ``layer`` orders the draping; ``display_layer`` (optional) is the layer the app shows the
    # part with, for a muscle built under a neighbour of its own layer (biceps under the deltoid).
    shown = entry.choice("display_layer", LAYERS, default=layer)
    return Part(entry.name + "_r", "muscle", entry.name, "right", shown, side_label(label, "right"),
                muscle=muscle, lods=lods)


def muscle_parts(built: list[BuiltMuscle]) -> list[Part]:
    out: list[Part] = []
    for b in built:
        out.extend(bilateral(b.part))
    return out
