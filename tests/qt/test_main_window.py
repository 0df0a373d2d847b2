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
    # The card follows the frame that shows the zone.
    qtbot.waitUntil(lambda: "Beta TrP1" in window.info.toPlainText())
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
    assert first.startswith("1. Beta muscle \u2013 TrP1 (right)") and "score" in first
    window.pain.candidates.itemClicked.emit(window.pain.candidates.item(0))
    assert controller.state.selection == Selection("beta_tp1", "right")


def test_screenshot_is_written(main_window, tmp_path):
    path = main_window.save_screenshot(tmp_path / "view.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_idle_rendering_and_no_msaa_on_software_gl(main_window, qtbot):
    plotter = main_window.plotter
    timer = getattr(plotter, "render_timer", None)  # pyvistaqt's widget has one; the native view none
    assert timer is None or not timer.isActive(), "an idle render timer burns CPU on software GL"
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


def _settled_frames(window, qtbot) -> int:
    qtbot.wait(150)  # let queued paints happen
    return window.scene.frames_rendered


def test_a_click_that_selects_costs_exactly_one_render(main_window, qtbot):
    window = main_window
    window.controller.show_view("front")
    key = Selection("beta_tp1", "left")
    pos = window.marker_position(key)
    before = _settled_frames(window, qtbot)
    qtbot.mouseClick(window.plotter, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: window.scene.frames_rendered > before, timeout=5000)
    assert window.controller.state.selection == key
    assert _settled_frames(window, qtbot) == before + 1, "the style's release render must be folded in"


def test_each_brush_dab_costs_one_render(main_window, qtbot):
    window = main_window
    window.controller.show_view("front")
    window.controller.set_mode("paint")
    pos = window.marker_position(Selection("beta_tp1", "right"))
    before = _settled_frames(window, qtbot)
    qtbot.mousePress(window.plotter, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: window.scene.frames_rendered > before, timeout=5000)
    assert _settled_frames(window, qtbot) == before + 1
    qtbot.mouseMove(window.plotter, pos + QPoint(0, 12))
    qtbot.waitUntil(lambda: window.scene.frames_rendered > before + 1, timeout=5000)
    assert _settled_frames(window, qtbot) == before + 2
    qtbot.mouseRelease(window.plotter, Qt.MouseButton.LeftButton, pos=pos + QPoint(0, 12))
    assert _settled_frames(window, qtbot) == before + 2, "releasing the brush changes nothing on screen"


def test_right_drag_turns_the_body_while_painting(main_window, qtbot):
    window = main_window
    controller = window.controller
    controller.show_view("front")
    controller.set_mode("paint")
    centre = QPoint(window.plotter.width() // 2, window.plotter.height() // 2)
    before = np.array(window.plotter.camera.position)
    revision = controller.state.pain_revision
    qtbot.mousePress(window.plotter, Qt.MouseButton.RightButton, pos=centre)
    for step in range(1, 6):
        qtbot.mouseMove(window.plotter, centre + QPoint(12 * step, 0))
    qtbot.mouseRelease(window.plotter, Qt.MouseButton.RightButton, pos=centre + QPoint(60, 0))
    after = np.array(window.plotter.camera.position)
    assert not np.allclose(after, before), "the right drag turns the camera"
    distance = np.linalg.norm(np.array(window.plotter.camera.focal_point) - after)
    assert np.isclose(distance, np.linalg.norm(np.array(window.plotter.camera.focal_point) - before), rtol=1e-3), \
        "it turns; it does not zoom"
    assert controller.state.pain_revision == revision, "turning never paints"
    assert "Right-drag turns" in window.pain.hint.text()


def test_markers_lie_on_the_muscle_when_the_skin_is_hidden_and_stay_clickable(main_window, qtbot):
    window = main_window
    controller = window.controller
    key = Selection("beta_tp1", "left")
    place = controller.body.markers[key]
    controller.set_skin("hidden")
    assert np.allclose(window.scene.markers.position(key), place.on_muscle)
    assert not np.allclose(place.on_muscle, place.point)
    controller.show_view("front")
    qtbot.mouseClick(window.plotter, Qt.MouseButton.LeftButton, pos=window.marker_position(key))
    assert controller.state.selection == key
    controller.set_skin("opaque")
    assert np.allclose(window.scene.markers.position(key), place.point)


def _muscle_spot(window, part_id: str) -> QPoint:
    """A widget point where the picker finds ``part_id`` and no marker."""
    from viewer.scene.picking import display_position

    from viewer.scene import cameras

    scene, picker = window.scene, window.scene.picker
    poly = scene.parts[part_id].poly
    points = np.asarray(poly.points)
    normal = points.mean(axis=0) - np.asarray(scene.skin.poly.center)  # outwards from the trunk
    normal[2] = 0.0
    scene.set_camera(cameras.frame_points(points, normal, scene._aspect()))  # close enough to miss the X
    window.plotter.render()
    xy, _ = display_position(window.plotter.renderer, points)
    height = window.plotter.ren_win.GetSize()[1]
    for x, y in xy:
        pick = picker.pick_at(float(x), float(y))
        if pick.part == part_id and pick.marker is None:
            dpr = window.plotter.devicePixelRatioF()
            return QPoint(round(x / dpr), round((height - y) / dpr))
    raise AssertionError(f"no clickable spot on {part_id}")


def test_hover_names_markers_and_muscles(main_window, qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr("viewer.qt.main_window.QToolTip.showText", lambda _pos, text, *_: shown.append(text))
    window = main_window
    window.controller.show_view("front")
    pos = window.marker_position(Selection("beta_tp1", "left"))
    qtbot.mouseMove(window.plotter, pos + QPoint(1, 0))
    qtbot.mouseMove(window.plotter, pos)
    assert shown[-1] == "Beta TrP1 (left)"
    window.controller.set_skin("hidden")
    qtbot.mouseMove(window.plotter, _muscle_spot(window, "beta_l"))
    assert shown[-1].startswith("Beta muscle (left)")


def test_click_a_muscle_to_select_it_then_isolate_it_and_layers_survive_selection(main_window, qtbot):
    window = main_window
    controller, state = window.controller, window.controller.state
    controller.show_view("front")
    controller.set_skin("hidden")
    controller.set_layer_visible("bone", False)
    qtbot.mouseClick(window.plotter, Qt.MouseButton.LeftButton, pos=_muscle_spot(window, "beta_l"))
    assert state.selected_muscle == "beta" and state.selection is None
    qtbot.waitUntil(lambda: "Beta muscle" in window.info.toPlainText())
    window.actions_by_name["isolate"].trigger()
    assert state.isolated_muscle == "beta"
    shown = {pid for pid, p in window.scene.parts.items() if p.actor.visibility}
    assert {"beta_l", "beta_r"} <= shown and not {"alpha_l", "alpha_r"} & shown
    qtbot.mouseClick(window.plotter, Qt.MouseButton.LeftButton,
                     pos=window.marker_position(Selection("beta_tp1", "left")))
    assert state.selection == Selection("beta_tp1", "left")
    assert (state.skin, state.isolated_muscle, "bone" in state.visible_layers) == ("hidden", "beta", False)
    assert not window.scene.markers.is_shown(Selection("alpha_tp1", "left")), "isolation hides other markers"


def test_the_window_indexes_the_parts_for_picking_after_its_first_frame(main_window, qtbot):
    qtbot.waitUntil(lambda: main_window.scene.picker.indexed, timeout=5000)
