"""Quality gates of the asset build; any failure stops the build with a readable report."""

from __future__ import annotations

import numpy as np

from viewer.anatomy import meshutil
from viewer.anatomy.errors import BuildError
from viewer.anatomy.parts import Part

__all__ = ["BuildError", "run_gates", "format_report", "check_mesh", "check_budgets", "check_mirror"]

LOD_BUDGETS = {0: 600_000, 1: 150_000}


def check_mesh(part_id: str, lod: int, points: np.ndarray, faces: np.ndarray) -> list[str]:
    """Watertight, manifold, consistently wound, positive volume."""
    problems = []
    if len(faces) == 0:
        return [f"{part_id} (LOD{lod}): no triangles"]
    bad, flipped = meshutil.edge_report(faces)
    if bad:
        problems.append(f"{part_id} (LOD{lod}): {bad} edges not shared by exactly two triangles (not watertight/manifold)")
    if flipped:
        problems.append(f"{part_id} (LOD{lod}): {flipped} edges with inconsistent winding")
    vol = meshutil.signed_volume(points, faces)
    if vol <= 0:
        problems.append(f"{part_id} (LOD{lod}): volume {vol * 1e6:.1f} cm3 is not positive")
    return problems


def check_budgets(parts: list[Part]) -> tuple[dict[int, int], list[str]]:
    totals: dict[int, int] = {}
    for part in parts:
        for lod, arrays in part.lods.items():
            totals[lod] = totals.get(lod, 0) + len(arrays["faces"])
    problems = [f"LOD{lod}: {n} triangles exceed the budget of {LOD_BUDGETS[lod]}"
                for lod, n in sorted(totals.items()) if n > LOD_BUDGETS.get(lod, n)]
    return totals, problems


def check_mirror(right: np.ndarray, left: np.ndarray, name: str, tol: float = 0.001) -> list[str]:
    """Left part must be the mirror image of the right part (within ``tol`` metres)."""
    if right.shape != left.shape:
        return [f"{name}: left and right have different vertex counts"]
    err = float(np.abs(right * np.array([-1.0, 1.0, 1.0]) - left).max()) if len(right) else 0.0
    return [f"{name}: left/right asymmetry {err * 1000:.2f} mm > {tol * 1000:.1f} mm"] if err > tol else []


def check_coverage(core: list[str], parts: list[Part]) -> list[str]:
    """Every core muscle id has at least one part on each side."""
    have = {(p.muscle, p.side) for p in parts if p.kind == "muscle"}
    return [f"coverage: core muscle '{m}' has no {side} part" for m in core
            for side in ("right", "left") if (m, side) not in have]


def check_inside_skin(parts: list[Part], skin_field, margin: float = 0.001) -> tuple[str, list[str]]:
    """Every muscle vertex at least ``margin`` inside the skin (skin field <= -margin)."""
    failures, worst = [], -1.0
    for part in parts:
        if part.kind != "muscle" or part.side != "right":
            continue
        d = skin_field.sample(part.lods[0]["points"])
        worst = max(worst, float(d.max()))
        n_bad = int(np.count_nonzero(d > -margin))
        if n_bad:
            failures.append(f"{part.anatomy}: {n_bad} vertices less than {margin * 1000:.0f} mm inside the skin "
                            f"(worst {d.max() * 1000:+.1f} mm)")
    return f"closest muscle vertex to the skin: {-worst * 1000:.1f} mm inside", failures


def _polyline_distance(p: np.ndarray, line: np.ndarray) -> float:
    if len(line) == 1:
        return float(np.linalg.norm(p - line[0]))
    best = np.inf
    for a, b in zip(line[:-1], line[1:]):
        ab = b - a
        u = np.clip((p - a) @ ab / max(float(ab @ ab), 1e-12), 0, 1)
        best = min(best, float(np.linalg.norm(p - (a + u * ab))))
    return best


def check_attachments(built, skeleton, tol: float = 0.010) -> tuple[str, list[str]]:
    """Each end edge of a muscle stays within ``tol`` of its declared origin/insertion site
    (the curve through the declared points, or the point)."""
    from viewer.anatomy.loft import _curve, _ends  # noqa: PLC2701 - same package

    failures, worst = [], 0.0
    for b in built:
        mid_t = b.sheet.mid.shape[1] // 2
        for key, row in (("origin", 0), ("insertion", -1)):
            declared = _ends(b.entry, key, skeleton)
            curve = _curve(declared)
            if curve is None:
                d = float(np.linalg.norm(b.sheet.mid[row, mid_t] - declared[0]))
            else:
                d = float(np.linalg.norm(b.sheet.mid[row] - curve(b.sheet.t), axis=1).max())
            worst = max(worst, d)
            if d > tol:
                failures.append(f"{b.entry.name}: {key} end {d * 1000:.1f} mm from its declared site (> {tol * 1000:.0f} mm)")
    return f"largest attachment offset: {worst * 1000:.1f} mm", failures


def interference_settings(data) -> dict[str, float]:
    """The ``gates.interference`` table of ``build.yaml`` (lengths in metres)."""
    from viewer.anatomy.spec import Entry

    raw = data.build.get("gates", {}) or {}
    if not isinstance(raw, dict):
        raise data.build.fail("gates", "expected a mapping")
    e = Entry(data.build.where, "gates.interference", raw.get("interference", {}) or {})
    mm = data.skeleton.mm
    limits = {"step_mm": (0.5, 20.0, 3.0), "bone_tol_mm": (0.0, 20.0, 1.0), "end_zone": (0.0, 0.45, 0.15),
              "max_bone_fraction": (0.0, 1.0, 1.0), "overlap_shrink_mm": (0.0, 10.0, 1.5),
              "max_overlap_fraction": (0.0, 1.0, 1.0)}
    v = {}
    for key, (lo, hi, default) in limits.items():
        v[key] = e.number(key, default)
        if not lo <= v[key] <= hi:
            raise e.fail(key, f"expected {lo:g} to {hi:g}, got {v[key]:g}")
    return {"step": mm(v["step_mm"]), "bone_tol": mm(v["bone_tol_mm"]), "end_zone": v["end_zone"],
            "max_bone": v["max_bone_fraction"], "shrink": mm(v["overlap_shrink_mm"]),
            "max_overlap": v["max_overlap_fraction"]}


def check_interference(built, bone_prims, settings: dict[str, float]) -> tuple[dict[str, str], list[str], str]:
    """Muscle-bone penetration and same-layer muscle overlap: measures, failures, report table."""
    from viewer.anatomy import interference as itf

    pen = itf.penetration(built, bone_prims, settings["step"], settings["bone_tol"], settings["end_zone"])
    ovl = itf.overlap(built, settings["step"], settings["shrink"])
    failures = [f"{r.name}: {r.belly:.0%} of its belly volume lies inside bone (deepest {r.depth_mm:.0f} mm; "
                f"limit {settings['max_bone']:.0%})" for r in pen if r.belly > settings["max_bone"]]
    failures += [f"{r.name}: {r.fraction:.0%} of its volume overlaps {r.partner} in the {r.layer} layer "
                 f"(limit {settings['max_overlap']:.0%})" for r in ovl if r.fraction > settings["max_overlap"]]
    measures = {}
    if pen:
        measures["muscle in bone"] = f"worst {pen[0].name} {pen[0].belly:.1%} of the belly (limit {settings['max_bone']:.0%})"
    if ovl:
        measures["muscle overlap"] = (f"worst {ovl[0].name} {ovl[0].fraction:.1%} with {ovl[0].partner or '-'} "
                                      f"(limit {settings['max_overlap']:.0%})")
    return measures, failures, itf.format_table(pen, ovl)


def run_gates(data, parts: list[Part], built, landmarks, skin_field=None, bone_prims=None) -> dict:
    from viewer.anatomy import measure

    failures: list[str] = []
    measures: dict[str, str] = {}
    checked = 0
    for part in parts:
        for lod, arrays in sorted(part.lods.items()):
            failures += check_mesh(part.id, lod, arrays["points"], arrays["faces"])
            checked += 1
    totals, budget_problems = check_budgets(parts)
    failures += budget_problems
    by_id = {p.id: p for p in parts}
    for part in parts:
        if part.side == "right" and part.anatomy + "_l" in by_id:
            for lod, arrays in part.lods.items():
                failures += check_mirror(arrays["points"], by_id[part.anatomy + "_l"].lods[lod]["points"],
                                         f"{part.anatomy} (LOD{lod})")
    failures += check_coverage([str(m) for m in data.build.get("core_muscles", [])], parts)
    if skin_field is not None:
        measures["inside skin"], problems = check_inside_skin(parts, skin_field)
        failures += problems
    measures["attachments"], problems = check_attachments(built, data.skeleton)
    failures += problems
    interference_table = ""
    if bone_prims is not None:
        m, problems, interference_table = check_interference(built, bone_prims, interference_settings(data))
        measures.update(m)
        failures += problems
    skin = next(p for p in parts if p.kind == "skin")
    m, problems = measure.proportions(skin.lods[0]["points"], skin.lods[0]["faces"], landmarks,
                                      data.skeleton.stature)
    measures.update(m)
    failures += problems
    volumes = {p.anatomy: measure.part_volume(p.lods[0]["points"], p.lods[0]["faces"])
               for p in parts if p.kind == "muscle" and p.side == "right"}
    m, problems = measure.volume_ranking(volumes)
    measures.update(m)
    failures += problems
    measures["skin volume"] = f"{measure.part_volume(skin.lods[0]['points'], skin.lods[0]['faces']) * 1000:.1f} L"
    return {"failures": failures, "meshes_checked": checked, "triangles_by_lod": totals, "measures": measures,
            "interference": interference_table}


def format_report(report: dict) -> str:
    lines = ["Asset build quality gates:"]
    lines.append(f"  meshes checked: {report.get('meshes_checked', 0)}; triangles per LOD: "
                 + ", ".join(f"LOD{k}={v}" for k, v in sorted(report.get("triangles_by_lod", {}).items())))
    for key, value in sorted(report.get("measures", {}).items()):
        lines.append(f"  {key}: {value}")
    failures = report.get("failures", [])
    if failures:
        lines.append(f"  FAILED ({len(failures)}):")
        lines += [f"    - {f}" for f in failures]
    else:
        lines.append("  all gates passed")
    return "\n".join(lines)
