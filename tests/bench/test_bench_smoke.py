"""Smoke test: ``python -m viewer bench --json --quick`` runs end to end and reports sane figures.

It runs the real command in a subprocess (fresh probe processes, its own Xvfb when one is
installed) on the built assets in ``assets/meshes`` - or, where none were built, on the
synthetic asset set with the small test data. No timing is asserted: only that every figure
was measured, is positive and that the ratios are computed from the figures they compare.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL_ASSETS = ROOT / "assets" / "meshes"
POSITIVE = ("time_to_interactive_s", "bare_time_to_first_frame_s", "frame_ms", "bare_frame_ms", "frame_ratio",
            "select_to_overlay_ms", "lookup_ms", "search_ms", "peak_rss_mb", "startup_ratio",
            "select_to_overlay_first_ms", "create_window_s", "bare_peak_rss_mb", "see_through_frame_ms",
            "see_through_frame_ratio")
NON_NEGATIVE = ("idle_cpu_percent", "idle_renders", "clicks_missed")
TARGETED = ("time_to_interactive_s", "frame_ratio", "select_to_overlay_ms", "lookup_ms", "search_ms",
            "peak_rss_mb", "idle_cpu_percent")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    if shutil.which("Xvfb"):
        # The bench's own Xvfb has a screen large enough for the window around a 1280x800 view.
        env.pop("DISPLAY", None)
        env.pop("WAYLAND_DISPLAY", None)
    elif not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        pytest.skip("needs Xvfb or a display")
    return env


def _bench_argv(synthetic_assets_dir: Path, data_min_dir: Path) -> tuple[list[str], bool]:
    if (REAL_ASSETS / "manifest.json").exists():
        return ["bench", "--json", "--quick"], True
    return ["--data", str(data_min_dir), "--assets", str(synthetic_assets_dir), "bench", "--json", "--quick"], False


@pytest.mark.display
@pytest.mark.slow
def test_quick_bench_reports_every_figure(synthetic_assets_dir, data_min_dir):
    argv, real = _bench_argv(synthetic_assets_dir, data_min_dir)
    proc = subprocess.run([sys.executable, "-m", "viewer", *argv], cwd=ROOT, env=_env(), capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)

    assert result["quick"] is True
    assert isinstance(result["renderer"], str) and result["renderer"]
    machine = result["machine"]
    assert machine["cores"] >= 1 and machine["python"] and machine["vtk"] and machine["qt"]
    for field in POSITIVE:
        value = result[field]
        assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, (field, value)
    for field in NON_NEGATIVE:
        assert result[field] >= 0, (field, result[field])
    assert result["frame_ratio"] == pytest.approx(result["frame_ms"] / result["bare_frame_ms"])
    assert result["see_through_frame_ratio"] == pytest.approx(result["see_through_frame_ms"] / result["bare_frame_ms"])
    assert result["startup_ratio"] == pytest.approx(
        result["time_to_interactive_s"] / result["bare_time_to_first_frame_s"])
    assert result["frames"] > 1 and result["bare_frames"] == result["frames"]
    assert result["clicks"] >= 1
    assert result["size"] == [1280, 800]
    assert result["lod"] in (0, 1)
    if real and result["software_gl"]:
        assert result["lod"] == 1  # software GL picks the light level of detail
    checks = {c["field"]: c for c in result["checks"]}
    for field in TARGETED:
        assert isinstance(checks[field]["pass"], bool), field
    assert result["all_targets_met"] == all(checks[f]["pass"] for f in TARGETED)
    # The human-readable table goes to stderr in JSON mode, with the same figures.
    assert "frame ratio app / bare" in proc.stderr
