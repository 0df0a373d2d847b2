"""The bench's bookkeeping without a display: result lines, medians, ratios, verdicts, table."""

from __future__ import annotations

import os

import pytest

from viewer.bench import common, report, run

APP = {"renderer": "llvmpipe (LLVM 15.0.6, 256 bits)", "machine": {"cores": 2}, "lod": 1, "size": [1280, 800],
       "time_to_interactive_s": 2.0, "frame_ms": 60.0, "frame_ms_p90": 70.0, "frames": 60,
       "renders_per_frame": 1.0, "select_to_overlay_ms": 80.0, "select_to_overlay_first_ms": 150.0,
       "select_to_overlay_max_ms": 150.0, "select_handler_ms": 30.0, "clicks": 5, "clicks_missed": 0,
       "lookup_ms": 2.0, "lookup_worst_ms": 9.0, "lookup_trigger_points": 80, "search_ms": 30.0, "search_max_ms": 40.0,
       "paint_to_candidates_ms": 5.0, "paint_first_ms": 9.0, "peak_rss_mb": 500.0, "idle_cpu_percent": 0.5,
       "idle_seconds": 3.0, "idle_renders": 0, "idle_frames": 0, "before_window_s": 0.8, "create_window_s": 0.9}
BARE = {"first_frame_s": 1.0, "frame_ms": 50.0, "frame_ms_p90": 55.0, "frames": 60, "renderer": "llvmpipe",
        "peak_rss_mb": 300.0}


def test_parse_finds_the_last_result_line_among_other_output():
    out = "warning: something\nBENCH {\"a\": 1}\nnoise\nBENCH {\"a\": 2}\n"
    assert common.parse(out) == {"a": 2}
    with pytest.raises(ValueError):
        common.parse("no result here")


def test_median_and_percentile():
    assert common.median([3.0, 1.0, 2.0]) == 2.0
    assert common.percentile([0.0, 10.0], 90) == pytest.approx(9.0)
    assert common.percentile([5.0], 50) == 5.0


def test_combine_takes_medians_and_computes_ratios():
    out = run.combine(APP, BARE, [2.0, 3.0, 2.2], [1.0, 1.5, 1.2], quick=False)
    assert out["time_to_interactive_s"] == 2.2
    assert out["bare_time_to_first_frame_s"] == 1.2
    assert out["frame_ratio"] == pytest.approx(60.0 / 50.0)
    assert out["startup_ratio"] == pytest.approx(2.2 / 1.2)
    assert out["first_frame_after_window_s"] == pytest.approx(2.0 - 0.8 - 0.9)


def test_verdicts_follow_the_targets():
    out = run.combine(APP, BARE, [2.0], [1.0], quick=True)
    verdicts = {c["field"]: c["pass"] for c in report.judge(out, report.GUI_TARGETS)}
    assert verdicts["frame_ratio"] is False  # 1.2 > 1.15
    assert verdicts["search_ms"] is False  # 30 > 20
    assert verdicts["select_to_overlay_ms"] is True
    assert verdicts["time_to_interactive_s"] is False  # 2.0 > 1.3 x 1.0
    assert verdicts["bare_frame_ms"] is None  # the floor has no target
    missing = dict(out, lookup_ms=None)
    assert {c["field"]: c["pass"] for c in report.judge(missing, report.GUI_TARGETS)}["lookup_ms"] is False


def test_table_shows_each_figure_with_its_verdict():
    out = run.combine(APP, BARE, [2.0], [1.0], quick=True)
    text = report.table(out, report.GUI_TARGETS)
    row = next(line for line in text.splitlines() if line.startswith("frame ratio app / bare"))
    assert "1.20" in row and "<= 1.15" in row and row.endswith("FAIL")
    assert "llvmpipe" in text and "cores 2" in text


def test_a_failing_probe_is_one_clear_message():
    env = dict(os.environ)
    with pytest.raises(run.BenchError, match="probe_bare failed"):
        run.run_probe("probe_bare", ["--lod", "1", "--size", "64x64", "--assets", "/nonexistent", "--frames", "0"],
                      env)


def test_bench_without_assets_says_what_is_missing(tmp_path, capsys):
    from viewer.cli import main

    assert main(["--assets", str(tmp_path), "bench", "--quick"]) == 1
    err = capsys.readouterr().err
    assert "manifest.json" in err and "Traceback" not in err


def test_build_figures_have_their_own_targets():
    verdicts = {c["field"]: c["pass"] for c in report.judge({"build_wall_s": 200.0, "build_peak_rss_mb": 900.0},
                                                            report.BUILD_TARGETS)}
    assert verdicts["build_wall_s"] is False


def test_a_failing_asset_build_is_reported_with_its_time(tmp_path, capsys):
    from viewer.cli import main

    assert main(["--data", str(tmp_path / "no-data"), "bench", "--build", "--quick"]) == 1
    err = capsys.readouterr().err
    assert "bench: build-assets failed (exit code 1) after " in err and " s, peak RSS " in err
