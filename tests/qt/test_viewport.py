"""The two 3D views: VTK's native window (X11) and pyvistaqt's QOpenGLWidget (elsewhere).

The frame checks run in a child process (see ``fbo_view_in_this_process`` in conftest.py):
``python -c CHECK <kind>`` prints the numbers this test asserts on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECK = r"""
import json, sys
import pyvista as pv
from PySide6.QtWidgets import QApplication, QMainWindow
from PySide6.QtTest import QTest
app = QApplication([])
from viewer.qt.viewport import make_interactor
kind = sys.argv[1]
if kind == "native" and app.platformName() != "xcb":
    print(json.dumps({"skip": "the native view is used on X11 only"})); sys.exit(0)
window = QMainWindow()
plotter = make_interactor(window, 0, kind)
window.setCentralWidget(plotter)
plotter.add_mesh(pv.Sphere(), render=False)
renders, swaps = [], []
plotter.ren_win.AddObserver("EndEvent", lambda *_: renders.append(1))
plotter.frameSwapped.connect(lambda: swaps.append(1))
window.resize(400, 300)
window.show()
QTest.qWaitForWindowExposed(window)
for _ in range(100):
    if swaps:
        break
    QTest.qWait(20)
QTest.qWait(200)
out = {"type": type(plotter).__name__, "settled": len(renders), "swaps": len(swaps)}
plotter.renderer.GetActiveCamera().Azimuth(30)  # (pyvista's .camera may reset and render)
plotter.interactor.update()  # how the app asks for a frame
plotter.interactor.update()  # requests in one event-loop pass are merged
QTest.qWait(300)
out["after_update"] = len(renders)
plotter.repaint()  # a paint Qt starts by itself (expose)
QTest.qWait(100)
out["after_repaint"] = len(renders)
image = plotter.screenshot(return_img=True)
out["image"] = [list(image.shape[:2]), list(plotter.ren_win.GetSize()[::-1]), float(image.std())]
plotter.close()
window.close()
print(json.dumps(out))
"""


def test_view_kind_follows_the_platform_unless_overridden(qapp, monkeypatch):
    from PySide6.QtGui import QGuiApplication

    from viewer.qt.viewport import VIEW_ENV, view_kind

    monkeypatch.delenv(VIEW_ENV, raising=False)
    assert view_kind() == ("native" if QGuiApplication.platformName() == "xcb" else "fbo")
    for kind in ("fbo", "native"):
        monkeypatch.setenv(VIEW_ENV, kind.upper())
        assert view_kind() == kind
    monkeypatch.setenv(VIEW_ENV, "something else")  # ignored
    assert view_kind() in ("native", "fbo")


@pytest.mark.parametrize("kind", ["fbo", "native"])
def test_each_requested_frame_is_rendered_once(require_display, kind):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", CHECK, kind], capture_output=True, text=True, env=env,
                          timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if "skip" in out:
        pytest.skip(out["skip"])
    assert out["type"] == {"fbo": "AtlasInteractor", "native": "NativeInteractor"}[kind]
    assert out["settled"] >= 1 and out["swaps"] >= 1
    assert out["after_update"] == out["settled"] + 1  # two requests, one render
    if kind == "fbo":  # Qt's own paint shows VTK's frame again without rendering it
        assert out["after_repaint"] == out["after_update"]
    shape, size, spread = out["image"]
    assert shape == size and spread > 0
