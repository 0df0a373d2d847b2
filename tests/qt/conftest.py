"""Fixtures for the Qt tests: a display is required for the 3D window (Xvfb in CI)."""

from __future__ import annotations

import gc
import os

import pytest


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
