"""Muscle parts, built deep to superficial, each layer draped over the ones beneath."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from viewer.anatomy import meshutil
from viewer.anatomy.fields import Field, mark_points, signed_distance
from viewer.anatomy.loft import END_ZONE, DrapeSettings, Sheet, design_sheet, drape, frame_arrays, sheet_mesh
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
            closed: dict[float, Field] = {}
            for entry in group:
                sheet = design_sheet(entry, sk)
                if entry.get("drape", True):  # placed by data (psoas, iliacus, ...): stay put
                    settings = _drape_settings(entry, data, clearance)
                    radius = _drape_closing(entry, data)
                    for r in (settings.closing, radius):
                        if r > 0 and r not in closed:
                            closed[r] = _closed(under, r)
                    hug_under = closed[settings.closing] if settings.closing > 0 else None
                    sheet = drape(sheet, closed[radius] if radius > 0 else under, settings, hug_under)
                built.append(BuiltMuscle(entry, sheet, _muscle_part(entry, sheet, layer, resolution)))
            for b in built[-len(group):]:
                pts = b.sheet.interior_points(step)
                mark_points(occupancy, grid, pts)
                mark_points(occupancy, grid, _mirror_points(pts))
        if entries:
            log(f"  muscles: {layer} layer, {len(entries)} parts per side")
    return built


def _closed(under: Field, radius: float) -> Field:
    """The underlayer closed by ``radius`` (dilated, then eroded): gaps narrower than about twice
    the radius - between the ribs - are filled."""
    dilated = under.values <= radius
    return Field(under.grid, signed_distance(dilated, under.grid.spacing) + np.float32(radius))


def _drape_closing(entry: Entry, data: AnatomyData) -> float:
    """Optional ``drape_closing_mm``: drape the part over the underlayer closed by this radius
    (pushed out of it as well as pulled onto it), for a sheet that lies on the ribs everywhere
    and must never sink between them (the external oblique); 0 (default) drapes on the real one."""
    value = entry.number("drape_closing_mm", 0.0)
    if value < 0:
        raise entry.fail("drape_closing_mm", "must be >= 0")
    return data.skeleton.mm(value)


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
    """Per part: ``hug_mm`` (default build.yaml muscle_hug_mm), ``drape_smooth_mm`` (the length
    over which the draped shape is smoothed; default build.yaml muscle_drape_smooth_mm or 15),
    ``bridge`` (span hollows along the fibres), ``hug_closing_mm`` (pull in only onto the
    underlayer closed by this radius, so a sheet rests on the ribs, not between them),
    ``clearance_mm`` (default build.yaml muscle_clearance_mm: the gap kept above the underlayer,
    larger over thin bones that the field grid rounds off), ``drape_settle`` (push-only steps
    at the end, default 3) and ``drape_end_zone`` (the share of the length at each end over which
    the draping fades out, default 0.15: shorter lifts an origin over a bulge right beside it)."""
    mm = data.skeleton.mm
    if "clearance_mm" in entry.raw:
        clearance = mm(entry.number("clearance_mm"))
        if clearance < 0:
            raise entry.fail("clearance_mm", "must be >= 0")
    hug_along = _hug_along(entry)
    hug = max(hug_along[1]) if hug_along else entry.number("hug_mm", data.build.number("muscle_hug_mm"))
    smooth = entry.number("drape_smooth_mm", data.build.number("muscle_drape_smooth_mm", DRAPE_SMOOTH_MM))
    if smooth <= 0:
        raise entry.fail("drape_smooth_mm", "must be > 0")
    closing = entry.number("hug_closing_mm", 0.0)
    if closing < 0:
        raise entry.fail("hug_closing_mm", "must be >= 0")
    bridge = entry.get("bridge", False)
    if not isinstance(bridge, bool):
        raise entry.fail("bridge", f"expected true or false, got {bridge!r}")
    settle = entry.number("drape_settle", 3)
    if settle != int(settle) or not 0 <= settle <= 20:
        raise entry.fail("drape_settle", f"expected a whole number 0 to 20, got {settle:g}")
    end_zone = entry.number("drape_end_zone", END_ZONE)
    if not 0.02 <= end_zone <= 0.3:
        raise entry.fail("drape_end_zone", f"expected 0.02 to 0.3, got {end_zone:g}")
    return DrapeSettings(clearance=clearance, hug=mm(hug), smooth=mm(smooth), bridge=bridge, closing=mm(closing),
                         settle=int(settle), end_zone=end_zone,
                         hug_along=(hug_along[0], tuple(mm(v) for v in hug_along[1])) if hug_along else None)


def _hug_along(entry: Entry) -> tuple[tuple[float, ...], tuple[float, ...]] | None:
    """``hug_mm`` given as a profile ``{s: [...], v: [...]}`` (mm along the fibres; a plain number
    stays the common case): the iliotibial tract wraps the lateral femoral condyle near its end."""
    raw = entry.get("hug_mm", None)
    if not isinstance(raw, dict):
        return None
    knots, values = entry.numbers("hug_mm.s", default=raw.get("s")), entry.numbers("hug_mm.v", default=raw.get("v"))
    if len(knots) != len(values) or len(knots) < 2 or np.any(np.diff(knots) <= 0) or min(values) < 0:
        raise entry.fail("hug_mm", "a profile needs lists 's' (increasing) and 'v' (>= 0) of equal length, at least 2")
    return tuple(float(k) for k in knots), tuple(float(v) for v in values)


def _across(entry: Entry) -> int:
    """Optional ``mesh_across`` (default 1): the mesh has this many times the build's vertex
    intervals across the fibres, for a muscle whose border is cut into digitations (serratus
    anterior, external oblique) - the saw-tooth needs more than the usual handful of strands."""
    value = entry.number("mesh_across", 1)
    if value != int(value) or not 1 <= value <= 3:
        raise entry.fail("mesh_across", f"expected a whole number 1 to 3, got {value:g}")
    return int(value)


def stations_along(sheet: Sheet, most: int, step: float) -> int:
    """Mesh stations along the fibres: one every ``step`` (m) of the part's length, at most
    ``most``. A short part (a toe tendon, a hand muscle) needs fewer than a sartorius; with one
    fixed grid the ~290 parts overran the triangle budgets. The number of intervals stays even
    (at least 4) so that s = 0.5 remains a station, shared with the frame grid."""
    if step <= 0:
        return most
    centre = sheet.mid[:, sheet.mid.shape[1] // 2]
    length = float(np.linalg.norm(np.diff(centre, axis=0), axis=1).sum())
    return min(most, 2 * max(2, int(round(length / step / 2))) + 1)


def _muscle_part(entry: Entry, sheet: Sheet, layer: str, resolution: dict) -> Part:
    muscle = str(entry.get("muscle"))
    lods = {}
    across = _across(entry)
    for lod, (ns, nt) in resolution["mesh"].items():
        ns = stations_along(sheet, ns, resolution.get("step", {}).get(lod, 0.0))
        arrays = sheet_mesh(sheet, ns, (nt - 1) * across + 1)
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
