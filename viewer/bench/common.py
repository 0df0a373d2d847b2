"""What the probes and the parent share: the result line, timing and machine facts."""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import sys
import time

PREFIX = "BENCH "


def emit(result: dict) -> None:
    """Print the probe's result as one line the parent can find among other output."""
    sys.stdout.write(PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


def parse(stdout: str) -> dict:
    """The last ``BENCH {json}`` line of a probe's output."""
    found = [line for line in stdout.splitlines() if line.startswith(PREFIX)]
    if not found:
        raise ValueError("the probe printed no result line")
    return json.loads(found[-1][len(PREFIX):])


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident set size in MB of this process (or of its largest waited-for child).

    ``getrusage`` reports kB on Linux and bytes on macOS; Windows has no ``resource`` module
    and reports the peak working set of this process (children: not available, NaN).
    """
    if sys.platform == "win32":
        return float("nan") if children else _windows_peak_working_set_mb()
    import resource

    peak = resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024.0 / (1024.0 if sys.platform == "darwin" else 1.0)


def _windows_peak_working_set_mb() -> float:
    import ctypes
    from ctypes import wintypes

    class Counters(ctypes.Structure):
        _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
                    ("PeakWorkingSetSize", ctypes.c_size_t), ("WorkingSetSize", ctypes.c_size_t),
                    ("QuotaPeakPagedPoolUsage", ctypes.c_size_t), ("QuotaPagedPoolUsage", ctypes.c_size_t),
                    ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t), ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
                    ("PagefileUsage", ctypes.c_size_t), ("PeakPagefileUsage", ctypes.c_size_t)]

    counters = Counters()
    counters.cb = ctypes.sizeof(Counters)
    process = ctypes.windll.kernel32.GetCurrentProcess()
    if not ctypes.windll.psapi.GetProcessMemoryInfo(process, ctypes.byref(counters), counters.cb):
        return float("nan")
    return counters.PeakWorkingSetSize / 1024.0 / 1024.0


def median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation, without numpy."""
    if not values:
        return float("nan")
    data = sorted(values)
    pos = (len(data) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(data) - 1)
    return float(data[lo] + (data[hi] - data[lo]) * (pos - lo))


def now() -> float:
    """Wall-clock seconds shared between processes (start-up is measured across them)."""
    return time.time()


def parse_size(text: str) -> tuple[int, int]:
    w, h = (int(v) for v in text.lower().split("x"))
    return w, h


def gl_renderer_of(render_window) -> str:
    """The OpenGL renderer string of a VTK render window that has rendered once."""
    report = render_window.ReportCapabilities() or ""
    match = re.search(r"OpenGL renderer string:\s*(.+)", report)
    return match.group(1).strip() if match else ""


def machine_facts() -> dict:
    """Cores, OS and the versions of Python and of the rendering stack loaded in this process."""
    facts = {"cores": os.cpu_count() or 0, "python": platform.python_version(),
             "platform": platform.platform(terse=True), "machine": platform.machine()}
    if "vtkmodules.vtkCommonCore" in sys.modules or "pyvista" in sys.modules:
        from vtkmodules.vtkCommonCore import vtkVersion

        facts["vtk"] = vtkVersion.GetVTKVersion()
    if "pyvista" in sys.modules:
        facts["pyvista"] = sys.modules["pyvista"].__version__
    if "PySide6" in sys.modules:
        import PySide6
        from PySide6.QtCore import qVersion

        facts["qt"] = qVersion()
        facts["pyside6"] = PySide6.__version__
    return facts
