"""``python -m viewer bench --build``: time ``build-assets`` into a temporary folder.

The build runs as ``python -m viewer build-assets --out TMP`` in a child process, exactly as a
user runs it (``--quick`` adds ``--coarse``). Wall time is measured around the child; peak
memory is the child's maximum resident set size from ``getrusage(RUSAGE_CHILDREN)`` (the
largest child waited for, so a multi-process build reports its largest process).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from viewer.bench.common import machine_facts, peak_rss_mb
from viewer.bench.run import BenchError, _probe_env

BUILD_TIMEOUT_S = 3600


def _lod_summary(out_dir: Path) -> dict:
    try:
        manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {f"lod{k}": {"parts": len(v.get("parts", [])), "triangles": v.get("triangles")}
            for k, v in (manifest.get("lods") or {}).items()}


def measure_build(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="trigger-atlas-bench-") as tmp:
        out_dir = Path(tmp) / "meshes"
        cmd = [sys.executable, "-m", "viewer"]
        if args.data:
            cmd += ["--data", str(Path(args.data).resolve())]
        cmd += ["build-assets", "--out", str(out_dir)] + (["--coarse"] if args.quick else [])
        print(f"bench: python {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(cmd, env=_probe_env(dict(os.environ)), capture_output=True, text=True,
                                  timeout=BUILD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise BenchError(f"build-assets did not finish within {BUILD_TIMEOUT_S} s") from None
        wall = time.perf_counter() - t0
        peak = peak_rss_mb(children=True)  # the build is the only child this process waited for
        if proc.returncode != 0:
            tail = "\n".join(proc.stderr.strip().splitlines()[-8:])
            raise BenchError(f"build-assets failed (exit code {proc.returncode}) after {wall:.1f} s, "
                             f"peak RSS {peak:.0f} MB:\n{tail}")
        lods = _lod_summary(out_dir)
    return {"build_wall_s": wall, "build_peak_rss_mb": peak,
            "build_coarse": bool(args.quick), "build_lods": lods, "machine": machine_facts(),
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())}
