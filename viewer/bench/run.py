"""The parent: starts fresh probe processes, takes medians, judges and prints the figures.

Order of the probes: one full app probe (it also tells which level of detail the app chose),
one full bare probe at that level of detail and size, then start-up probes alternating
app / bare so that the file cache and the machine's load treat both alike; these also orbit
half as many frames, and the frame figures are medians of all samples of each side.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from viewer.bench.common import median, now, parse, percentile
from viewer.bench.report import GUI_TARGETS, judge, table

PACKAGE_ROOT = Path(__file__).resolve().parents[2]
PROBE_TIMEOUT_S = 300


# Figures the app probe always reports, and those it reports when the app has the feature.
APP_FIELDS = ("select_to_overlay_ms", "select_to_overlay_first_ms", "select_to_overlay_max_ms", "select_handler_ms",
              "clicks", "clicks_missed", "lookup_ms", "lookup_worst_ms", "lookup_trigger_points", "search_ms",
              "search_max_ms", "paint_to_candidates_ms", "paint_first_ms", "peak_rss_mb", "idle_cpu_percent",
              "idle_seconds", "idle_renders", "idle_frames", "before_window_s", "create_window_s")
OPTIONAL_APP_FIELDS = ("render_only_ms", "see_through_frame_ms", "see_through_frame_ms_p90",
                       "drag_frame_ms", "drag_frame_ms_p90", "drag_renders_per_frame",
                       "background_s", "background_threads", "background_finished")


class BenchError(Exception):
    """A probe failed; the message says which and why (one paragraph, no traceback of ours)."""


def _say(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


def _probe_env(env: dict[str, str]) -> dict[str, str]:
    env = dict(env)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PACKAGE_ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def run_probe(module: str, argv: list[str], env: dict[str, str]) -> dict:
    """Start ``python -m viewer.bench.<module>`` and return its result line."""
    spawned = now()
    cmd = [sys.executable, "-m", f"viewer.bench.{module}", "--spawned", repr(spawned), *argv]
    try:
        proc = subprocess.run(cmd, env=_probe_env(env), capture_output=True, text=True, timeout=PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise BenchError(f"{module} did not finish within {PROBE_TIMEOUT_S} s") from None
    try:
        result = parse(proc.stdout)
    except ValueError:
        tail = "\n".join(proc.stderr.strip().splitlines()[-8:])
        raise BenchError(f"{module} failed (exit code {proc.returncode}) without a result:\n{tail}") from None
    if result.get("error"):
        tail = "\n".join(proc.stderr.strip().splitlines()[-3:])
        raise BenchError(f"{module} failed: {result['error'].strip()}" + (f"\n{tail}" if tail else ""))
    return result


def _common_argv(args: argparse.Namespace) -> list[str]:
    w, h = args.size
    argv = ["--size", f"{w}x{h}"]
    if args.data:
        argv += ["--data", str(Path(args.data).resolve())]
    if args.assets:
        argv += ["--assets", str(Path(args.assets).resolve())]
    return argv


def _assets_dir(args: argparse.Namespace) -> str:
    from viewer import locations

    return str(Path(args.assets).resolve()) if args.assets else str(locations.assets_dir())


def measure_gui(args: argparse.Namespace, env: dict[str, str]) -> dict:
    """Every GUI figure, each from fresh processes."""
    quick = bool(args.quick)
    repeats, frames, clicks = (1, 12, 2) if quick else (5, 60, 5)
    common = _common_argv(args)
    lod_argv = [] if args.lod is None else ["--lod", str(args.lod)]
    _say("app probe (start-up, frames, clicks, search, idle)")
    app = run_probe("probe_app", [*common, *lod_argv, "--frames", str(frames), "--clicks", str(clicks)], env)
    lod = app["lod"] if args.lod is None else args.lod
    w, h = args.size
    bare_argv = ["--size", f"{w}x{h}", "--assets", _assets_dir(args), "--lod", str(lod)]
    _say(f"bare probe (LOD {lod})")
    bare = run_probe("probe_bare", [*bare_argv, "--frames", str(frames)], env)
    app_starts, bare_starts = [app["time_to_interactive_s"]], [bare["first_frame_s"]]
    # Frame samples from every probe, app and bare alternating, pooled: a machine that speeds
    # up or slows down during the run affects both sides alike.
    app_frames, bare_frames = list(app["frame_samples_ms"]), list(bare["frame_samples_ms"])
    extra = max(1, frames // 2)
    for i in range(repeats - 1):
        _say(f"start-up and frame samples {i + 2}/{repeats}")
        # The same arguments as the first app probe: an automatic LOD stays automatic.
        more = run_probe("probe_app", [*common, *lod_argv, "--startup-only", "--startup-frames", str(extra)], env)
        app_starts.append(more["time_to_interactive_s"])
        app_frames.extend(more["frame_samples_ms"])
        more = run_probe("probe_bare", [*bare_argv, "--frames", str(extra)], env)
        bare_starts.append(more["first_frame_s"])
        bare_frames.extend(more["frame_samples_ms"])
    app.update(frame_ms=median(app_frames), frame_ms_p90=percentile(app_frames, 90), frames=len(app_frames))
    bare.update(frame_ms=median(bare_frames), frame_ms_p90=percentile(bare_frames, 90), frames=len(bare_frames))
    return combine(app, bare, app_starts, bare_starts, quick=quick)


def combine(app: dict, bare: dict, app_starts: list[float], bare_starts: list[float], *, quick: bool) -> dict:
    """The report's fields from the probes' results."""
    out = {k: app[k] for k in ("renderer", "machine", "lod", "size", "parts", "markers", "triangles",
                               "actors", "multi_samples", "software_gl") if k in app}
    out.update(quick=quick, measured_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
               time_to_interactive_s=median(app_starts), time_to_interactive_samples=app_starts,
               bare_time_to_first_frame_s=median(bare_starts), bare_time_to_first_frame_samples=bare_starts)
    out["startup_ratio"] = out["time_to_interactive_s"] / out["bare_time_to_first_frame_s"]
    out.update(frame_ms=app["frame_ms"], frame_ms_p90=app["frame_ms_p90"], frames=app["frames"],
               renders_per_frame=app["renders_per_frame"], bare_frame_ms=bare["frame_ms"],
               bare_frame_ms_p90=bare["frame_ms_p90"], bare_frames=bare["frames"], bare_renderer=bare["renderer"])
    out["frame_ratio"] = out["frame_ms"] / out["bare_frame_ms"]
    out.update({key: app[key] for key in APP_FIELDS})
    out.update({key: app[key] for key in OPTIONAL_APP_FIELDS if key in app})
    if "see_through_frame_ms" in out:
        out["see_through_frame_ratio"] = out["see_through_frame_ms"] / out["bare_frame_ms"]
    out["first_frame_after_window_s"] = app["time_to_interactive_s"] - app["before_window_s"] - app["create_window_s"]
    out["bare_peak_rss_mb"] = bare["peak_rss_mb"]
    return out


def _finish(result: dict, targets, as_json: bool) -> int:
    result["checks"] = judge(result, targets)
    result["all_targets_met"] = all(c["pass"] is not False for c in result["checks"])
    if as_json:
        print(json.dumps(result, indent=2))
        print(table(result, targets), file=sys.stderr)
    else:
        print(table(result, targets))
    return 0


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):  # Windows
        return None


def _check_inputs(args: argparse.Namespace) -> None:
    """Fail early, in one line, on missing assets or bad data (the CLI prints DataError/AssetError)."""
    from viewer import locations
    from viewer.datafiles import load_catalog
    from viewer.geometry.meshes import MeshLibrary

    MeshLibrary(_assets_dir(args), args.lod)
    load_catalog(args.data or locations.data_dir())


def main(args: argparse.Namespace) -> int:
    """``python -m viewer bench``: 0 when measured (targets met or not), 1 when a probe failed."""
    args.lod = getattr(args, "lod", None)
    args.data, args.assets = getattr(args, "data", None), getattr(args, "assets", None)
    if args.build:
        from viewer.bench.build import measure_build
        from viewer.bench.report import BUILD_TARGETS

        try:
            return _finish(measure_build(args), BUILD_TARGETS, args.json)
        except BenchError as exc:
            _say(str(exc))
            return 1
    from viewer.bench.display import NoDisplayError, display_env

    _check_inputs(args)
    load_before = _load_average()
    try:
        with display_env(tuple(args.size)) as (env, display):
            _say(f"display: {display}")
            result = measure_gui(args, env)
            result["display"] = display
            # Other processes on the machine inflate every figure: say how busy it was.
            result["load_average_1min"] = [load_before, _load_average()]
    except (BenchError, NoDisplayError) as exc:
        _say(str(exc))
        return 1
    return _finish(result, GUI_TARGETS, args.json)
