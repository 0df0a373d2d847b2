"""Controller and AppState: plain pytest, no Qt, no VTK (the emitted events are recorded)."""

from __future__ import annotations

import pytest

from viewer.controller import Controller, Pick
from viewer.state import LAYERS, AppState, MarkerFilter, Selection


@pytest.fixture
def controller(catalog_min, body):
    return Controller(catalog_min, body, AppState())


def record(state: AppState, *names: str) -> list:
    seen: list = []
    for name in names:
        getattr(state.events, name).connect(lambda *args, n=name: seen.append((n, args[0] if args else None)))
    return seen


def test_selecting_a_trigger_point_sets_muscle_side_and_asks_to_frame_it(controller):
    seen = record(controller.state, "selection", "selected_muscle", "view_request")
    controller.select_trigger_point("alpha_tp2", "left")
    assert controller.state.selection == Selection("alpha_tp2", "left")
    assert controller.state.selected_muscle == "alpha"
    assert [n for n, _ in seen] == ["selection", "selected_muscle", "view_request"]
    assert controller.state.view_request.kind == "frame_selection"


def test_the_side_is_kept_until_changed(controller):
    controller.select_trigger_point("alpha_tp1", "left")
    controller.select_trigger_point("beta_tp1")
    assert controller.state.selection == Selection("beta_tp1", "left")
    controller.select_side("right")
    assert controller.state.selection == Selection("beta_tp1", "right")


def test_unknown_trigger_point_only_reports(controller):
    controller.select_trigger_point("nope")
    assert controller.state.selection is None
    assert "nope" in controller.state.status


def test_repeated_view_requests_are_new_events(controller):
    seen = record(controller.state, "view_request")
    controller.show_view("back")
    controller.show_view("back")
    assert len(seen) == 2 and seen[0][1] != seen[1][1]
    with pytest.raises(ValueError, match="view must be one of"):
        controller.show_view("top")


def test_pick_on_a_marker_selects_it_and_on_a_muscle_selects_the_muscle(controller):
    controller.handle_pick(Pick("skin", (0, 0, 1), 5, Selection("beta_tp1", "left")))
    assert controller.state.selection == Selection("beta_tp1", "left")
    controller.handle_pick(Pick("alpha_r", (0, 0, 1), 3))
    assert controller.state.selection is None and controller.state.selected_muscle == "alpha"
    controller.handle_pick(Pick(""))  # background: nothing changes
    assert controller.state.selected_muscle == "alpha"


def test_pick_on_a_muscle_without_a_card_says_so_and_keeps_the_selection(controller, monkeypatch):
    controller.handle_pick(Pick("beta_l", (0, 0, 1), 3))
    assert controller.state.selected_muscle == "beta"
    monkeypatch.setattr(type(controller.catalog), "has_muscle", lambda self, muscle: muscle != "alpha")
    controller.handle_pick(Pick("alpha_r", (0, 0, 1), 3))
    assert controller.state.selected_muscle == "beta"  # an atlas-only muscle selects nothing
    assert controller.state.status.startswith("Alpha muscle (right)")
    assert "no trigger points of this muscle" in controller.state.status


def test_layers_isolation_and_reset(controller):
    controller.set_layer_visible("deep", False)
    controller.set_skin("translucent")
    assert "deep" not in controller.state.visible_layers
    controller.select_muscle("alpha")
    controller.isolate_muscle()
    assert controller.state.isolated_muscle == "alpha"
    controller.select_trigger_point("beta_tp1")  # layer state survives selection changes
    assert controller.state.isolated_muscle == "alpha" and controller.state.skin == "translucent"
    controller.show_all()
    assert controller.state.visible_layers == frozenset(LAYERS) and controller.state.isolated_muscle is None
    controller.cycle_skin()
    assert controller.state.skin == "hidden"
    controller.reset_layers()
    assert controller.state.skin == "opaque"
    with pytest.raises(ValueError, match="skin must be one of"):
        controller.set_skin("glass")


def test_marker_filter(controller):
    controller.filter_markers(region="temple")
    assert controller.state.marker_filter == MarkerFilter(region="temple")
    assert controller.state.marker_filter.active


def test_painting_ranks_candidates_and_clicks_in_paint_mode_paint(controller, body):
    skin = body.skin
    temple = body.library.regions.index("temple")
    in_temple = [i for i in range(skin.n_points) if skin.arrays["region"][i] == temple]
    outer = max(in_temple, key=lambda i: skin.points[i][0])  # right temple, far from the midline
    seen = record(controller.state, "pain_revision", "candidates")
    controller.set_mode("paint")
    controller.handle_pick(Pick(body.skin_id, tuple(skin.points[outer]), outer))
    assert controller.state.pain_revision == 1
    cands = controller.state.candidates
    assert cands, "painting the temple must find the trigger points that refer there"
    assert {c.trigger_point for c in cands} >= {"alpha_tp1"}
    assert all(c.side == "right" for c in cands)
    assert cands[0].trigger_point == "alpha_tp1"  # essential beats spillover (alpha_tp2)
    assert ("candidates", cands) in seen
    controller.select_candidate(0)
    assert controller.state.selection == Selection("alpha_tp1", "right")
    controller.clear_pain()
    assert controller.state.candidates == () and float(body.painted().max()) == 0.0


def test_ticking_regions_covers_the_whole_drawing(controller):
    controller.tick_region("posterolateral_neck", "left", True)
    controller.tick_region("mastoid_postauricular", "left", True)
    best = controller.state.candidates[0]
    assert best.trigger_point == "alpha_tp2" and best.side == "left"
    assert controller.ticked_regions()[("posterolateral_neck", "left")]
    controller.tick_region("posterolateral_neck", "left", False)
    controller.tick_region("mastoid_postauricular", "left", False)
    assert controller.state.candidates == ()


def test_search_and_opening_hits(controller):
    hits = controller.search("alpah")  # a typo
    assert hits and hits[0].id.startswith("alpha")
    region_hit = next(h for h in controller.search("temple") if h.kind == "region")
    controller.open_search_hit(region_hit)
    assert controller.state.marker_filter.region == "temple"
    assert controller.search("   ") == []


def test_reset_returns_to_the_start(controller):
    controller.select_trigger_point("alpha_tp1")
    controller.set_mode("paint")
    controller.filter_markers(muscle="alpha")
    controller.reset()
    s = controller.state
    assert (s.selection, s.mode, s.marker_filter, s.view_request.kind) == (None, "explore", MarkerFilter(), "reset")


def test_isolating_under_opaque_skin_makes_the_skin_see_through(controller):
    controller.isolate_muscle()  # nothing selected: only a message
    assert controller.state.isolated_muscle is None and "Select a muscle" in controller.state.status
    controller.select_muscle("beta")
    controller.isolate_muscle()
    assert controller.state.isolated_muscle == "beta" and controller.state.skin == "translucent"


def test_a_zone_that_cannot_be_drawn_is_reported_not_raised(controller, monkeypatch):
    def broken(selection):
        raise ValueError("landmark 'temporal_fossa_r' is not in the manifest")

    monkeypatch.setattr(controller.body, "weights", broken)
    controller.select_trigger_point("alpha_tp1")
    assert controller.state.selection is None
    assert "alpha_tp1" in controller.state.status and "temporal_fossa_r" in controller.state.status
