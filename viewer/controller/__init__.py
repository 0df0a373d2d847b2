"""The controller: one method per user intent; the only writer of :class:`~viewer.state.AppState`.

Widgets and the 3D scene call these methods; nothing here knows about Qt or VTK. A click in
the 3D view arrives as a plain :class:`Pick` and is dispatched on the current mode through a
table (:meth:`Controller.handle_pick`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable

import numpy as np

from viewer.controller.body import Body
from viewer.domain.model import Catalog
from viewer.domain.painfinder import rank
from viewer.domain.search import SearchHit, SearchIndex
from viewer.state import LAYERS, MODES, SKIN_MODES, VIEWS, AppState, MarkerFilter, Selection, ViewRequest


@dataclass(frozen=True)
class Pick:
    """What a still click (press and release without a drag) hit in the 3D view.

    ``part`` is a mesh part id (``""`` for the background), ``vertex`` the nearest vertex of
    that part, ``marker`` the trigger-point marker under the cursor, if any.
    """

    part: str
    point: tuple[float, float, float] = (0.0, 0.0, 0.0)
    vertex: int = -1
    marker: Selection | None = None


class Controller:
    """Turns intents into state changes.

    Parameters
    ----------
    catalog
        The validated content.
    body
        The meshes and the skin fields derived from them (:class:`viewer.controller.body.Body`).
    state
        The state to write; a fresh one when omitted.
    """

    def __init__(self, catalog: Catalog, body: Body, state: AppState | None = None) -> None:
        self.catalog = catalog
        self.body = body
        self.state = state if state is not None else AppState()
        self._search = SearchIndex(catalog)
        self._serial = 0
        self._ticked: dict[tuple[str, str], bool] = {}
        self._pick_handlers: dict[str, Callable[[Pick], None]] = {
            "explore": self._pick_in_explore,
            "paint": self._pick_in_paint,
        }

    # --- selection -------------------------------------------------------------------------
    def select_trigger_point(self, tp_id: str, side: str | None = None) -> None:
        """Select a trigger point (ipsilateral side kept unless ``side`` is given)."""
        if not self.catalog.has_trigger_point(tp_id):
            self.state.status = f"Unknown trigger point '{tp_id}'"
            return
        current = self.state.selection
        side = side or (current.side if current else "right")
        if side not in ("left", "right"):
            raise ValueError(f"side must be 'left' or 'right', not {side!r}")
        tp = self.catalog.trigger_point(tp_id)
        try:
            self.body.weights(Selection(tp_id, side))  # computed (and cached) before the views ask
        except ValueError as exc:
            self.state.status = f"Cannot show the referral zone of {tp_id}: {exc}"
            return
        # The selection first: views that show both then draw the trigger point's card once.
        self.state.selection = Selection(tp_id, side)
        self.state.selected_muscle = tp.muscle
        self.state.status = f"{tp.name} ({side})"
        self._request_view("frame_selection")

    def select_side(self, side: str) -> None:
        """Show the selected trigger point's pattern on the other (or a given) side."""
        if self.state.selection is not None:
            self.select_trigger_point(self.state.selection.tp, side)

    def select_muscle(self, muscle_id: str) -> None:
        """Select a muscle (its card is shown; no referral overlay)."""
        if not self.catalog.has_muscle(muscle_id):
            self.state.status = f"Unknown muscle '{muscle_id}'"
            return
        self.state.selection = None
        self.state.selected_muscle = muscle_id
        self.state.status = self.catalog.muscle(muscle_id).name

    def clear_selection(self) -> None:
        self.state.selection = None
        self.state.selected_muscle = None
        self.state.status = ""

    def open_search_hit(self, hit: SearchHit) -> None:
        """Act on a search result: select it, or filter the markers by the region."""
        if hit.kind == "trigger_point":
            self.select_trigger_point(hit.id)
        elif hit.kind == "muscle":
            self.select_muscle(hit.id)
            tps = self.catalog.trigger_points_of(hit.id)
            if tps:
                self.select_trigger_point(tps[0].id)
        elif hit.kind == "region":
            self.filter_markers(region=hit.id)

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Forgiving search over muscles, aliases, trigger points, symptoms and regions."""
        return self._search.search(query, limit) if query.strip() else []

    # --- picking -----------------------------------------------------------------------------
    def handle_pick(self, pick: Pick) -> None:
        """A still click in the 3D view; what it means depends on the mode."""
        self._pick_handlers[self.state.mode](pick)

    def _pick_in_explore(self, pick: Pick) -> None:
        if pick.marker is not None:
            self.select_trigger_point(pick.marker.tp, pick.marker.side)
            return
        if not pick.part or not self.body.library.has_part(pick.part):
            return
        info = self.body.library.part(pick.part)
        if info.kind != "muscle":
            return
        if self.catalog.has_muscle(info.muscle):
            self.select_muscle(info.muscle)
        else:  # shown by the model for orientation; the atlas has no card for it yet
            side = f" ({info.side})" if info.side in ("left", "right") and info.side not in info.label else ""
            self.state.status = f"{info.label}{side}: no trigger points of this muscle in the atlas yet"

    def _pick_in_paint(self, pick: Pick) -> None:
        if pick.part == self.body.skin_id and pick.vertex >= 0:
            self.paint_pain(pick.vertex)

    # --- layers ----------------------------------------------------------------------------
    def set_skin(self, mode: str) -> None:
        if mode not in SKIN_MODES:
            raise ValueError(f"skin must be one of {SKIN_MODES}, not {mode!r}")
        self.state.skin = mode

    def cycle_skin(self) -> None:
        modes = SKIN_MODES
        self.set_skin(modes[(modes.index(self.state.skin) + 1) % len(modes)])

    def set_layer_visible(self, layer: str, visible: bool) -> None:
        if layer not in LAYERS:
            raise ValueError(f"layer must be one of {LAYERS}, not {layer!r}")
        layers = set(self.state.visible_layers)
        layers.add(layer) if visible else layers.discard(layer)
        self.state.visible_layers = frozenset(layers)

    def isolate_muscle(self, muscle_id: str | None = None) -> None:
        """Show only one muscle (the selected one by default) with the skeleton."""
        muscle_id = muscle_id or self.state.selected_muscle
        if muscle_id is None or not self.catalog.has_muscle(muscle_id):
            self.state.status = "Select a muscle to isolate"
            return
        self.state.isolated_muscle = muscle_id
        if self.state.skin == "opaque":  # an isolated muscle under opaque skin would be invisible
            self.state.skin = "translucent"

    def show_all(self) -> None:
        """Undo isolation and show every layer (the skin mode is kept)."""
        self.state.isolated_muscle = None
        self.state.visible_layers = frozenset(LAYERS)

    def reset_layers(self) -> None:
        self.show_all()
        self.state.skin = "opaque"

    def filter_markers(self, *, muscle: str | None = None, region: str | None = None) -> None:
        """Show only the markers of one muscle and/or those referring to one region."""
        self.state.marker_filter = MarkerFilter(muscle=muscle, region=region)

    # --- camera -------------------------------------------------------------------------------
    def show_view(self, name: str) -> None:
        if name not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}, not {name!r}")
        self._request_view("preset", name)

    def reset_view(self) -> None:
        self._request_view("reset")

    def frame_selection(self) -> None:
        if self.state.selection is not None:
            self._request_view("frame_selection")

    def _request_view(self, kind: str, name: str = "") -> None:
        self._serial += 1
        self.state.view_request = ViewRequest(kind, name, self._serial)

    # --- pain finder -----------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.state.mode = mode

    def set_brush_radius(self, radius_m: float) -> None:
        self.state.brush_radius_m = float(np.clip(radius_m, 0.005, 0.15))

    def set_erasing(self, erasing: bool) -> None:
        self.state.erasing = bool(erasing)

    def paint_pain(self, vertex: int) -> None:
        """One dab of the brush (or the eraser) at a skin vertex; re-rank the candidates."""
        self.body.drawing.paint(int(vertex), self.state.brush_radius_m, erase=self.state.erasing)
        self._pain_changed()

    def tick_region(self, region_id: str, side: str, ticked: bool) -> None:
        """Tick or untick a whole region on one side (the list alternative to the brush)."""
        if not self.catalog.has_region(region_id):
            self.state.status = f"Unknown region '{region_id}'"
            return
        self._ticked[(region_id, side)] = ticked
        self.body.paint_regions(self._ticked)
        self._pain_changed()

    def ticked_regions(self) -> dict[tuple[str, str], bool]:
        return dict(self._ticked)

    def clear_pain(self) -> None:
        self._ticked.clear()
        self.body.drawing.clear()
        self._pain_changed()

    def select_candidate(self, index: int) -> None:
        """Select the ``index``-th ranked candidate (on its side)."""
        candidates = self.state.candidates
        if 0 <= index < len(candidates):
            cand = candidates[index]
            self.select_trigger_point(cand.trigger_point, cand.side or "right")

    def _pain_changed(self) -> None:
        coverage = self.body.pain_coverage()
        painted = {key: area for key, area in coverage.items() if self.catalog.has_region(key[0])}
        self.state.candidates = tuple(rank(self.catalog, painted, top=15)) if painted else ()
        self.state.pain_revision += 1
        n = len(self.state.candidates)
        self.state.status = f"{n} candidate trigger point{'s' if n != 1 else ''}" if painted else ""

    # --- misc --------------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to the start: no selection, all layers, front view (the pain drawing stays)."""
        self.clear_selection()
        self.filter_markers()
        self.reset_layers()
        self.state.mode = "explore"
        self.reset_view()

    def snapshot(self) -> dict:
        """The state as a plain dict (for debugging and the benchmark)."""
        return dataclasses.asdict(self.state)
