"""The whole window under Xvfb: clicks through the real picking path, overlay, panel, keys."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from viewer.state import Selection

pytestmark = pytest.mark.display


def test_click_on_a_marker_selects_it_paints_the_zone_and_explains_it(main_window, qtbot):
    window = main_window
    window.controller.show_view("front")
    key = Selection("beta_tp1", "left")
    pos = window.marker_position(key)
    qtbot.mouseClick(window.plotter, Qt.MouseButton.LeftButton, pos=pos)
    state = window.controller.state
    assert state.selection == key
    essential, spillover = window.controller.body.weights(key)
    assert np.array_equal(window.scene.overlay.essential > 0, essential > 0)
    assert window.scene.overlay.essential.max() > 0.99
    text = window.info.toPlainText()
    assert "Beta TrP1" in text and "Left side" in text
    assert "Referred pain" in text and "Front of the chest" in text
    assert window.scene.legend.GetVisibility()


def test_a_drag_turns_the_camera_and_never_selects(main_window, qtbot):
    window = main_window
    window.controller.show_view("front")
    key = Selection("beta_tp1", "left")
    pos = window.marker_position(key)
    before = np.array(window.plotter.camera.position)
    qtbot.mousePress(window.plotter, Qt.MouseButton.LeftButton, pos=pos)
    for step in range(1, 6):
        qtbot.mouseMove(window.plotter, pos + QPoint(12 * step, 0))
    qtbot.mouseRelease(window.plotter, Qt.MouseButton.LeftButton, pos=pos + QPoint(60, 0))
    assert window.controller.state.selection is None
    assert not np.allclose(window.plotter.camera.position, before)


def test_keyboard_views_layers_and_search(main_window, qtbot):
    window = main_window
    state = window.controller.state
    window.actions_by_name["view_back"].trigger()
    assert state.view_request.name == "back"
    assert window.plotter.camera.position[1] < 0
    window.actions_by_name["skin"].trigger()
    assert state.skin == "translucent"
    assert window.scene.skin.actor.prop.opacity < 1
    window.actions_by_name["find"].trigger()
    qtbot.keyClicks(window.search.field, "alpah trp2")  # a typo
    assert window.search.results.currentRow() == 0
    qtbot.keyClick(window.search.field, Qt.Key.Key_Down)  # to the second hit, TrP1
    qtbot.keyClick(window.search.field, Qt.Key.Key_Return)
    assert state.selection is not None and state.selection.tp == "alpha_tp1"
    assert not window.search.isVisible()


def test_pain_finder_paints_with_the_brush_and_lists_candidates(main_window, qtbot):
    window = main_window
    controller = window.controller
    controller.show_view("front")
    window.actions_by_name["paint"].trigger()
    assert controller.state.mode == "paint"
    key = Selection("beta_tp1", "right")
    pos = window.marker_position(key)
    camera = np.array(window.plotter.camera.position)
    qtbot.mousePress(window.plotter, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseMove(window.plotter, pos + QPoint(0, 10))
    qtbot.mouseRelease(window.plotter, Qt.MouseButton.LeftButton, pos=pos + QPoint(0, 10))
    assert np.allclose(window.plotter.camera.position, camera), "painting must not rotate the camera"
    assert controller.state.pain_revision >= 1
    assert window.scene.overlay.pain.max() > 0.99
    assert any(c.trigger_point == "beta_tp1" for c in controller.state.candidates)
    first = window.pain.candidates.item(0).text()
    assert "Beta TrP1" in first and "(right)" in first
    window.pain.candidates.itemClicked.emit(window.pain.candidates.item(0))
    assert controller.state.selection == Selection("beta_tp1", "right")


def test_screenshot_is_written(main_window, tmp_path):
    path = main_window.save_screenshot(tmp_path / "view.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_idle_rendering_and_no_msaa_on_software_gl(main_window, qtbot):
    plotter = main_window.plotter
    assert not plotter.render_timer.isActive(), "an idle render timer burns CPU on software GL"
    assert plotter.ren_win.GetMultiSamples() == 0
    frames = main_window.scene.frames_rendered
    qtbot.wait(300)
    assert main_window.scene.frames_rendered == frames, "nothing changed, so nothing may be rendered"


def test_help_articles_and_about_are_reachable(main_window, qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr("viewer.qt.main_window.QMessageBox.about", lambda *args: shown.append(args[2]))
    main_window.actions_by_name["about"].trigger()
    assert "not a diagnostic tool" in shown[0] and "MIT" in shown[0]
    assert main_window.windowTitle().startswith("Trigger Point Atlas")
    assert not main_window.windowIcon().isNull()


def test_camera_glides_without_blocking(main_window, qtbot):
    from viewer.qt.viewport import CameraAnimator

    window = main_window
    animator = CameraAnimator(window.plotter, duration_ms=200)
    start = window.scene.preset_pose("front")
    end = window.scene.preset_pose("left")
    animator.move(start, end)
    assert animator.running, "move() returns at once; the animation runs in the event loop"
    qtbot.waitUntil(lambda: not animator.running, timeout=5000)
    assert animator.frames >= 2
    assert np.allclose(window.plotter.camera.position, end.position, atol=1e-6)
