"""The targets, the pass/fail verdicts and the printed table."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Target:
    field: str
    label: str
    unit: str
    text: str  # the target as printed
    ok: Callable[[dict], bool]


def _value(result: dict, field: str) -> float:
    value = result.get(field)
    return float(value) if isinstance(value, (int, float)) else math.nan


def _le(field: str, limit: float) -> Callable[[dict], bool]:
    return lambda r: _value(r, field) <= limit


def _tti_ok(r: dict) -> bool:
    tti, bare = _value(r, "time_to_interactive_s"), _value(r, "bare_time_to_first_frame_s")
    return tti <= 3.0 and tti <= 1.3 * bare


# The targets for a 2-core machine with software GL at 1280x800, LOD chosen automatically.
GUI_TARGETS = (
    Target("time_to_interactive_s", "time to interactive", "s", "<= 3 s and <= 1.3 x bare", _tti_ok),
    Target("bare_time_to_first_frame_s", "bare time to first frame", "s", "(floor)", lambda r: True),
    Target("frame_ms", "frame while orbiting", "ms", "", lambda r: True),
    Target("bare_frame_ms", "bare frame", "ms", "(floor)", lambda r: True),
    Target("frame_ratio", "frame ratio app / bare", "", "<= 1.15", _le("frame_ratio", 1.15)),
    Target("select_to_overlay_ms", "select to overlay", "ms", "<= 100 ms", _le("select_to_overlay_ms", 100.0)),
    Target("lookup_ms", "pain finder lookup", "ms", "<= 10 ms", _le("lookup_ms", 10.0)),
    Target("search_ms", "search (one query)", "ms", "<= 20 ms", _le("search_ms", 20.0)),
    Target("peak_rss_mb", "peak RSS", "MB", "<= 700 MB", _le("peak_rss_mb", 700.0)),
    Target("idle_cpu_percent", "idle CPU over 3 s", "%", "< 2 %", lambda r: _value(r, "idle_cpu_percent") < 2.0),
)
BUILD_TARGETS = (
    Target("build_wall_s", "asset build, wall", "s", "<= 180 s", _le("build_wall_s", 180.0)),
    Target("build_peak_rss_mb", "asset build, peak RSS", "MB", "", lambda r: True),
)
# Shown under the table when present: where the time goes.
DETAILS = (
    ("select_to_overlay_first_ms", "first click (lazy set-up included)", "ms"),
    ("select_handler_ms", "click handler alone", "ms"),
    ("lookup_worst_ms", "pain finder, every region painted on both sides", "ms"),
    ("paint_to_candidates_ms", "one brush dab to ranked candidates", "ms"),
    ("frame_ms_p90", "frame, 90th percentile", "ms"),
    ("bare_frame_ms_p90", "bare frame, 90th percentile", "ms"),
    ("renders_per_frame", "VTK renders per app frame", ""),
    ("render_only_ms", "app scene rendered by VTK alone (no Qt paint)", "ms"),
    ("see_through_frame_ms", "frame with the see-through skin (every mesh drawn)", "ms"),
    ("see_through_frame_ratio", "see-through frame / bare frame (same meshes drawn)", ""),
    ("drag_frame_ms", "frame while dragging with the mouse", "ms"),
    ("drag_renders_per_frame", "VTK renders per mouse move", ""),
    ("before_window_s", "start-up: process start to window construction", "s"),
    ("create_window_s", "start-up: create_main_window", "s"),
    ("first_frame_after_window_s", "start-up: window built to first frame", "s"),
    ("background_s", "app busy in background threads after its first frame", "s"),
    ("bare_peak_rss_mb", "bare peak RSS", "MB"),
    ("idle_renders", "renders while idle", ""),
)


def judge(result: dict, targets: tuple[Target, ...]) -> list[dict]:
    """One verdict per figure; figures without a target pass by definition."""
    out = []
    for t in targets:
        value = result.get(t.field)
        measured = isinstance(value, (int, float)) and not math.isnan(float(value))
        out.append({"field": t.field, "value": value, "target": t.text,
                    "pass": bool(measured and t.ok(result)) if t.text and t.text != "(floor)" else None})
    return out


def _fmt(value, unit: str) -> str:
    if not isinstance(value, (int, float)):
        return "-"
    if unit in ("ms", "%") or unit == "":
        text = f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
    elif unit == "s":
        text = f"{value:.2f}"
    else:
        text = f"{value:.0f}"
    return f"{text} {unit}".strip()


def table(result: dict, targets: tuple[Target, ...]) -> str:
    """The human-readable report: machine facts, then one row per figure."""
    lines = []
    machine = result.get("machine") or {}
    if result.get("renderer") is not None:
        lines.append(f"renderer: {result.get('renderer') or '?'}  ({result.get('display', '')})")
    if machine:
        lines.append("machine:  " + ", ".join(f"{k} {v}" for k, v in machine.items()))
    scene = [f"{k} {result[k]}" for k in ("lod", "size", "parts", "markers", "triangles", "load_average_1min")
             if k in result]
    if scene:
        lines.append("scene:    " + ", ".join(scene))
    verdicts = {v["field"]: v for v in judge(result, targets)}
    rows = [("figure", "value", "target", "result")]
    for t in targets:
        verdict = verdicts[t.field]["pass"]
        rows.append((t.label, _fmt(result.get(t.field), t.unit), t.text,
                     "" if verdict is None else ("pass" if verdict else "FAIL")))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for i, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[j]) for j, cell in enumerate(row)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    extra = [f"  {label}: {_fmt(result[f], unit)}" for f, label, unit in DETAILS if f in result]
    if extra:
        lines += ["details:", *extra]
    return "\n".join(lines)
