"""The scene through state: actors, colours written in place, visibility, camera, picking.

Off-screen ``pv.Plotter`` on the synthetic asset set; no Qt.
"""

from __future__ import annotations

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from viewer.controller import Controller  # noqa: E402
from viewer.scene import theme  # noqa: E402
from viewer.scene.body_scene import BodyScene  # noqa: E402
from viewer.scene.overlay import PAIN_ALPHA  # noqa: E402
from viewer.scene.picking import display_position  # noqa: E402
from viewer.state import AppState, Selection  # noqa: E402


@pytest.fixture
def setup(catalog_min, body):
    plotter = pv.Plotter(off_screen=True, window_size=(300, 400))
    state = AppState()
    controller = Controller(catalog_min, body, state)
    scene = BodyScene(plotter, catalog_min, body, state, options=theme.TESTING)
    picks = []
    scene.install_picker(lambda pick: (picks.append(pick), controller.handle_pick(pick)))
    plotter.show(auto_close=False)
    yield controller, scene, plotter, picks
    scene.disconnect()
    plotter.close()


def shown_tps(scene) -> set[str]:
    return {k.tp for k in scene.markers.keys if scene.markers.is_shown(k)}


def marker_colour(scene, key: Selection) -> np.ndarray:
    """The colour the marker mesh really holds for ``key`` (two cells per marker)."""
    keys, _ = scene.markers.visible_points()
    rgb = np.asarray(scene.markers.poly.cell_data["rgb"])
    # two cells per marker, then two for the selected marker's rim
    assert len(rgb) == 2 * len(keys) + 2 * (scene.markers.selected in keys) and scene.markers.actor.visibility
    return rgb[2 * keys.index(key)] / 255.0


def _colour(hex_colour: str) -> np.ndarray:
    return np.round(theme.rgb(hex_colour) * 255)


def test_selection_paints_the_zone_in_place_and_only_there(setup):
    controller, scene, plotter, _ = setup
    colours = scene.skin.poly.point_data["rgb"]
    before = colours.copy()
    controller.select_trigger_point("alpha_tp1", "right")
    essential, spillover = controller.body.weights(Selection("alpha_tp1", "right"))
    after = scene.skin.poly.point_data["rgb"]
    assert np.shares_memory(after, colours), "colours must be updated in place, not replaced"
    changed = np.any(after != before, axis=1)
    assert not np.any(changed & (essential == 0) & (spillover == 0)), "paint outside the zone"
    assert np.all(changed[(essential > 0.05) | (spillover > 0.05)]), "zone vertices left unpainted"
    assert np.array_equal(scene.overlay.essential, essential)
    full = essential >= 0.999
    assert full.any() and np.allclose(after[full], _colour(theme.ESSENTIAL), atol=1)
    assert scene.legend.GetVisibility()
    controller.clear_selection()
    assert np.array_equal(scene.skin.poly.point_data["rgb"], before)
    assert not scene.legend.GetVisibility()


def test_marker_highlight_and_filters(setup):
    controller, scene, _, _ = setup
    controller.select_trigger_point("beta_tp1", "left")
    assert np.allclose(marker_colour(scene, Selection("beta_tp1", "left")), theme.rgb(theme.MARKER_SELECTED), atol=0.01)
    assert np.allclose(marker_colour(scene, Selection("beta_tp1", "right")), theme.rgb(theme.MARKER), atol=0.01)
    controller.filter_markers(region="chest_anterior")
    assert shown_tps(scene) == {"beta_tp1"}
    controller.filter_markers(muscle="alpha")
    assert shown_tps(scene) == {"alpha_tp1", "alpha_tp2"}
    controller.filter_markers(region="sternum", muscle="alpha")  # nothing left: the mesh is hidden
    assert shown_tps(scene) == set() and not scene.markers.actor.visibility


def test_marker_mesh_colours_follow_style_of_every_marker(setup):
    controller, scene, _, _ = setup
    controller.select_trigger_point("beta_tp1", "left")
    scene.markers.highlight(Selection("beta_tp1", "left"), {Selection("alpha_tp1", "right")})
    keys, _ = scene.markers.visible_points()
    looks = {scene.markers.style_of(k)[0] for k in keys}
    assert looks == {theme.MARKER_SELECTED, theme.MARKER_CANDIDATE, theme.MARKER}
    for key in keys:
        assert np.allclose(marker_colour(scene, key), theme.rgb(scene.markers.style_of(key)[0]), atol=0.01)


def test_layers_follow_state(setup):
    controller, scene, _, _ = setup
    controller.set_skin("translucent")
    assert scene.skin.actor.prop.opacity == pytest.approx(theme.SKIN_OPACITY["translucent"])
    assert not scene.skin.actor.GetPickable()
    controller.set_skin("hidden")
    assert not scene.skin.actor.visibility
    controller.set_layer_visible("bone", False)
    assert not scene.parts["spine"].actor.visibility
    controller.select_muscle("beta")
    controller.isolate_muscle()
    visible = {pid for pid, p in scene.parts.items() if p.actor.visibility}
    assert visible == {"beta_r", "beta_l"}
    assert np.allclose(scene.parts["beta_r"].actor.prop.color.float_rgb, theme.rgb(theme.MUSCLE_SELECTED), atol=0.01)
    assert shown_tps(scene) == {"beta_tp1"}
    controller.reset_layers()
    assert controller.state.skin == "opaque"
    visible = {pid for pid, p in scene.parts.items() if p.actor.visibility}
    assert visible == {scene.skin.info.id}, "under the opaque skin nothing else is drawn"
    controller.set_skin("translucent")
    assert all(p.actor.visibility for p in scene.parts.values())


def test_camera_presets_and_framing(setup):
    controller, scene, plotter, _ = setup
    centre = np.mean(np.reshape(scene.body_bounds(), (3, 2)), axis=1)
    for name, axis, sign in (("front", 1, 1), ("back", 1, -1), ("left", 0, -1), ("right", 0, 1)):
        controller.show_view(name)
        offset = np.asarray(plotter.camera.position) - centre
        assert np.sign(offset[axis]) == sign and abs(offset[axis]) > 2 * abs(offset[1 - axis])
    controller.select_trigger_point("beta_tp1", "right")
    marker = scene.markers.places[Selection("beta_tp1", "right")].point
    xy, _ = display_position(plotter.renderer, marker)
    w, h = plotter.window_size
    assert 0 < xy[0, 0] < w and 0 < xy[0, 1] < h, "the framed selection must be in view"


def test_click_on_a_marker_selects_it_and_hidden_markers_are_not_hit(setup):
    controller, scene, plotter, picks = setup
    controller.show_view("front")
    plotter.render()
    key = Selection("beta_tp1", "left")
    xy, _ = display_position(plotter.renderer, scene.markers.places[key].point)
    scene.picker.click_at(*xy[0])
    assert controller.state.selection == key
    # From the back the body hides the chest markers (the back ones are filtered out).
    controller.clear_selection()
    controller.filter_markers(muscle="beta")
    controller.show_view("back")
    hidden = Selection("beta_tp1", "right")
    xy, _ = display_position(plotter.renderer, scene.markers.places[hidden].point)
    pick = scene.picker.click_at(*xy[0])
    assert pick.marker is None and pick.part == "skin"
    assert controller.state.selection is None
    assert scene.picker.click_at(2, 2).part == ""  # background


def test_pain_drawing_is_shown_on_the_skin(setup):
    controller, scene, _, _ = setup
    controller.tick_region("chest_anterior", "right", True)
    assert scene.overlay.pain.max() == pytest.approx(1.0)
    painted = scene.overlay.pain > 0.5
    assert np.allclose(scene.skin.poly.point_data["rgb"][painted].mean(axis=0),
                       np.round((theme.rgb(theme.SKIN) * (1 - PAIN_ALPHA) + theme.rgb(theme.PAIN) * PAIN_ALPHA) * 255), atol=2)
    cands = {Selection(c.trigger_point, c.side) for c in controller.state.candidates}
    assert Selection("beta_tp1", "right") in cands
    assert np.allclose(marker_colour(scene, Selection("beta_tp1", "right")), theme.rgb(theme.MARKER_CANDIDATE),
                       atol=0.01)


def test_wheel_zooms_toward_the_point_under_the_cursor(setup):
    controller, scene, plotter, _ = setup
    scene.install_zoom_to_cursor()
    controller.show_view("front")
    key = Selection("beta_tp1", "right")
    target = scene.markers.places[key].point
    xy, dist = display_position(plotter.renderer, target)
    scene.zoom.zoom(*xy[0], 0.5)
    xy_after, dist_after = display_position(plotter.renderer, target)
    assert dist_after[0] < 0.6 * dist[0]
    assert np.allclose(xy_after, xy, atol=3), "the point under the cursor stays under the cursor"


def test_frames_are_counted_and_orbit_turns_the_camera(setup):
    controller, scene, plotter, _ = setup
    seen = []
    scene.frame_listeners.append(seen.append)
    controller.show_view("front")
    before = np.asarray(plotter.camera.position)
    scene.orbit(90)
    plotter.render()
    assert seen and seen[-1] == scene.frames_rendered
    after = np.asarray(plotter.camera.position)
    assert abs(after[0]) > abs(before[0]) + 0.5  # from the front to a side


def test_hover_names_the_marker_or_the_part_under_the_cursor(setup):
    controller, scene, plotter, _ = setup
    texts = []
    picker = scene.install_picker(controller.handle_pick, on_hover=texts.append)
    controller.show_view("front")
    key = Selection("beta_tp1", "right")
    xy, _ = display_position(plotter.renderer, scene.markers.places[key].point)
    picker._update_hover(*xy[0])
    picker._update_hover(*xy[0])  # unchanged: no second event
    picker._update_hover(*(xy[0] + [0, 80]))
    picker._update_hover(2, 2)
    assert texts == ["Beta TrP1 (right)", None], "the skin itself needs no tooltip"


def test_click_on_a_muscle_through_see_through_skin_selects_the_muscle(setup):
    controller, scene, plotter, _ = setup
    controller.filter_markers(muscle="beta")  # no marker over the back muscle
    controller.set_skin("translucent")
    controller.show_view("back")
    centre = scene.parts["alpha_l"].poly.points.mean(axis=0)
    xy, _ = display_position(plotter.renderer, centre)
    pick = scene.picker.click_at(*xy[0])
    assert pick.part == "alpha_l" and pick.marker is None
    assert controller.state.selected_muscle == "alpha" and controller.state.selection is None
    controller.set_skin("opaque")  # an opaque skin catches the click instead
    assert scene.picker.click_at(*xy[0]).part == "skin"


def test_the_legend_explains_what_is_on_screen(setup):
    controller, scene, _, _ = setup
    controller.select_trigger_point("alpha_tp1", "right")
    texts = [text for text, _ in scene.legend_lines()]
    assert texts[:2] == ["Essential zone", "Spillover zone (striped)" if scene.overlay.striped else "Spillover zone"]
    assert scene.legend.GetNumberOfEntries() == 2
    controller.set_skin("hidden")  # the zones live on the skin: say why they are not seen
    assert scene.legend.GetNumberOfEntries() == 1 and "hidden with the skin" in scene.legend_lines()[0][0]
    controller.set_skin("opaque")
    controller.clear_selection()
    controller.paint_pain(scene.body.markers[Selection("alpha_tp1", "right")].skin_vertex)
    assert [text for text, _ in scene.legend_lines()] == ["Your pain drawing"]
    assert scene.legend.GetVisibility() and scene.legend.GetNumberOfEntries() == 1
    controller.clear_pain()
    assert not scene.legend.GetVisibility()


def test_markers_move_onto_the_muscles_without_an_opaque_skin(setup):
    controller, scene, _, _ = setup
    key = Selection("beta_tp1", "left")
    place = scene.body.markers[key]
    assert np.allclose(scene.markers.position(key), place.point)
    controller.set_skin("translucent")
    assert np.allclose(scene.markers.position(key), place.on_muscle)
    # the marker lies just outside the muscle, above the trigger point's place in it
    assert np.linalg.norm(place.on_muscle - place.muscle_point) < np.linalg.norm(place.point - place.muscle_point)
    assert float((place.on_muscle - place.muscle_point) @ place.muscle_normal) > 0
    controller.set_skin("hidden")
    controller.set_layer_visible("superficial", False)  # its muscle is hidden: nothing to lie on
    assert not scene.markers.is_shown(key)
    controller.set_layer_visible("superficial", True)
    assert scene.markers.is_shown(key)


def test_with_the_skin_hidden_a_selection_frames_its_muscle(setup):
    controller, scene, plotter, _ = setup
    controller.set_skin("hidden")
    key = Selection("beta_tp1", "left")
    pose = scene.selection_pose(key)
    part = scene.parts[scene.body.markers[key].part].poly
    lo, hi = np.asarray(part.bounds).reshape(3, 2).T
    assert np.all(np.asarray(pose.focal_point) >= lo - 0.02) and np.all(np.asarray(pose.focal_point) <= hi + 0.02)
    # seen from the side the marker faces
    assert float((np.asarray(pose.position) - pose.focal_point) @ scene.body.markers[key].muscle_normal) > 0


def test_two_lights_only(setup):
    _, _, plotter, _ = setup
    lights = plotter.renderer.GetLights()
    assert lights.GetNumberOfItems() == 2, "every light costs per fragment on software GL"


def test_hover_labels_say_which_muscles_have_a_card(setup, monkeypatch):
    _, scene, _, _ = setup
    parts = scene.parts
    name = scene.catalog.muscle("alpha").name
    assert scene._hover_label(parts["alpha_r"]) == f"{name} (right) - click for its card"
    monkeypatch.setattr(type(scene.catalog), "has_muscle", lambda self, muscle: muscle != "alpha")
    label = scene._hover_label(parts["alpha_r"])
    assert label == "Alpha muscle (right) - no trigger points in the atlas yet"
    assert scene._hover_label(parts["spine"]) == "Spine"


def test_see_through_skin_is_plain_blending_of_its_front_faces(setup):
    _, scene, plotter, _ = setup
    assert not plotter.renderer.GetUseOIT()
    assert scene.skin.actor.prop.GetBackfaceCulling()
    assert not any(p.actor.prop.GetBackfaceCulling() for p in scene.parts.values() if p is not scene.skin)


def test_cell_locators_are_built_by_the_first_pick_at_the_latest(setup):
    controller, scene, plotter, picks = setup
    assert not scene.picker.indexed  # start-up does not pay for them
    plotter.render()
    assert scene.picker.click_at(2, 2).part == ""
    assert scene.picker.indexed


def test_markers_facing_away_from_the_camera_are_culled_and_never_picked(setup):
    controller, scene, plotter, picks = setup
    assert scene.markers.actor.prop.GetBackfaceCulling()
    key = Selection("beta_tp1", "left")  # on the front of the chest
    centre = scene.markers.position(key)[None]
    controller.show_view("front")
    assert scene.markers.facing(centre, [key], plotter.camera.position)[0]
    controller.show_view("back")
    assert not scene.markers.facing(centre, [key], plotter.camera.position)[0]


def test_without_an_opaque_skin_a_marker_sits_on_the_outermost_shown_part_over_it(catalog_min, body):
    """A trigger point under another part (here a made-up cover on the spine) is marked on that
    part while it is shown, and on its own muscle once that part is hidden."""
    import dataclasses

    key = Selection("beta_tp1", "left")
    place = body.markers[key]
    cover_point, cover_normal = place.on_muscle + place.muscle_normal * 0.01, place.muscle_normal
    body.markers[key] = dataclasses.replace(place, covers=(("spine", cover_point, cover_normal),))
    plotter = pv.Plotter(off_screen=True, window_size=(300, 400))
    state = AppState()
    controller = Controller(catalog_min, body, state)
    scene = BodyScene(plotter, catalog_min, body, state, options=theme.TESTING)
    try:
        assert np.allclose(scene.markers.position(key), place.point)  # on the opaque skin
        controller.set_skin("hidden")
        assert "bone" in state.visible_layers
        assert np.allclose(scene.markers.position(key), cover_point)
        controller.set_layer_visible("bone", False)
        assert np.allclose(scene.markers.position(key), place.on_muscle)
        assert scene.markers.is_shown(key)
        controller.set_layer_visible("bone", True)
        assert np.allclose(scene.markers.position(key), cover_point)
        # the marker mesh itself moved, not only the bookkeeping
        keys, _ = scene.markers.visible_points()
        centre = np.asarray(scene.markers.poly.points)[8 * keys.index(key):8 * keys.index(key) + 8].mean(axis=0)
        assert np.linalg.norm(centre - cover_point) < 1e-5
    finally:
        scene.disconnect()
        plotter.close()
