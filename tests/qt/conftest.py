"""Fixtures for the Qt tests: a display is required for the 3D window (Xvfb in CI)."""

from __future__ import annotations

import gc
import os

import pytest


@pytest.fixture(autouse=True)
def fbo_view_in_this_process(monkeypatch):
    """Qt tests build pyvistaqt's view in the pytest process.

    VTK's native X11 view (the app's default on X11) opens an X connection in
    ``vtkXOpenGLRenderWindow::EnsureGLX`` that it never closes; pytest-xvfb stops Xvfb before
    the pytest process exits, and Xlib then ends the run with exit code 1. The native view is
    tested in child processes instead (tests/qt/test_viewport.py, the benchmark smoke test).
    """
    monkeypatch.setenv("TRIGGER_ATLAS_VIEW", "fbo")


@pytest.fixture(autouse=True)
def collect_widgets_after_each_test():
    """Delete closed widgets and collect cycles at a fixed point after every Qt test.

    Panels tied to a controller by signal connections form reference cycles; left to the cyclic
    garbage collector they were torn down at a random allocation of a later test, and once
    (under load, in CI) the process aborted there (research: tech-pitfalls P2.6). Runs after
    qtbot has closed the test's widgets (an autouse fixture is set up first, torn down last).
    """
    yield
    from PySide6.QtCore import QCoreApplication, QEvent

    app = QCoreApplication.instance()
    if app is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
    gc.collect()


@pytest.fixture
def require_display():
    """3D-window tests never skip in CI: without a display they fail there."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("no X display: run the suite under Xvfb (pytest-xvfb or xvfb-run)")
        pytest.skip("needs an X display (Xvfb)")


@pytest.fixture
def controller(catalog_min, body):
    from viewer.controller import Controller

    return Controller(catalog_min, body)


@pytest.fixture
def main_window(qtbot, require_display, catalog_min, synthetic_library):
    """The real window on the synthetic assets, no camera animation, closed afterwards."""
    from viewer.app import create_main_window

    window = create_main_window(catalog_min, synthetic_library, animate=False)
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    qtbot.wait(1)
    gc.collect()
