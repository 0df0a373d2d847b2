"""``BodyScene``: builds the actors and keeps them in step with :class:`~viewer.state.AppState`.

The scene only reacts to state events (``_on_<field>_changed``); it never calls a widget.
Rendering is requested through ``request_render`` (in the Qt app ``interactor.update()``, one
coalesced paint; off screen ``plotter.render()``), and camera moves through ``move_camera``
(the Qt app animates them; the default jumps).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pyvista as pv

from viewer.controller import Pick
from viewer.controller.body import Body
from viewer.domain.model import Catalog
from viewer.scene import cameras, theme
from viewer.scene.cameras import CameraPose
from viewer.scene.layers import apply_layers, apply_muscle_highlight
from viewer.scene.lighting import use_two_lights
from viewer.scene.markers import MarkerSet
from viewer.scene.overlay import SkinOverlay
from viewer.scene.parts import PartActor, add_parts
from viewer.scene.picking import ScenePicker
from viewer.scene.zoom import ZoomToCursor
from viewer.state import AppState, Selection

def legend_entries(striped: bool) -> list[list[str]]:
    return [["Essential zone", theme.ESSENTIAL],
            ["Spillover zone (striped)" if striped else "Spillover zone", theme.SPILLOVER]]


class BodyScene:
    """The body, its markers and overlays in one pyvista plotter."""

    def __init__(self, plotter: pv.BasePlotter, catalog: Catalog, body: Body, state: AppState, *,
                 options: theme.RenderOptions = theme.RenderOptions(),
                 request_render: Callable[[], None] | None = None,
                 move_camera: Callable[[CameraPose, CameraPose], None] | None = None) -> None:
        self.plotter, self.catalog, self.body, self.state = plotter, catalog, body, state
        self.request_render = request_render or plotter.render
        self.move_camera = move_camera or (lambda _start, end: self.set_camera(end))
        self.renders_requested = 0  # repaint requests (coalesced by Qt into paints)
        plotter.set_background(theme.BACKGROUND, top=theme.BACKGROUND_TOP)
        use_two_lights(plotter.renderer)
        # The see-through skin is the one translucent surface, its back faces culled: plain
        # blending draws it correctly, and VTK's default order-independent translucency pass
        # only costs time (on software GL it made the see-through view markedly slower).
        plotter.renderer.SetUseOIT(False)
        self.parts: dict[str, PartActor] = add_parts(plotter, body.library, options)
        self.skin = self.parts[body.skin_id]
        self.overlay = SkinOverlay(self.skin.poly)
        self.markers = MarkerSet(plotter, body.markers)
        self.legend = plotter.add_legend(legend_entries(self.overlay.striped), bcolor="white", face="rectangle", size=(0.2, 0.07),
                                         background_opacity=0.9)
        # Explicit normalised placement: the "lower right" preset is clipped at narrow sizes.
        self.legend.SetPosition(0.01, 0.01)
        self.legend.SetPosition2(0.2, 0.07)
        self.legend.SetVisibility(False)
        self.picker: ScenePicker | None = None
        self.zoom: ZoomToCursor | None = None
        # Frames actually drawn (the render window's EndEvent): the benchmark waits on this to
        # know that an overlay change has reached the screen.
        self.frames_rendered = 0
        self.frame_listeners: list[Callable[[int], None]] = []
        self._frame_tag = plotter.ren_win.AddObserver("EndEvent", self._on_frame_end)
        self._connect()
        self._refresh_all()
        self.set_camera(self.preset_pose("front"))

    # --- wiring ---------------------------------------------------------------------------
    def _connect(self) -> None:
        ev = self.state.events
        pairs = [(ev.selection, self._on_selection_changed), (ev.selected_muscle, self._on_selected_muscle_changed),
                 (ev.isolated_muscle, self._on_marker_filter_changed),
                 (ev.marker_filter, self._on_marker_filter_changed), (ev.candidates, self._on_candidates_changed),
                 (ev.pain_revision, self._on_pain_revision_changed),
                 (ev.view_request, self._on_view_request_changed)]
        pairs += [(getattr(ev, name), self._on_layers_changed)
                  for name in ("skin", "visible_layers", "isolated_muscle", "mode")]
        for signal, slot in pairs:
            signal.connect(slot)
        self._connections = pairs

    def disconnect(self) -> None:
        """Stop following the state (before the plotter closes); other subscribers stay."""
        for signal, slot in self._connections:
            signal.disconnect(slot)
        self._connections = []
        if self._frame_tag is not None:
            self.plotter.ren_win.RemoveObserver(self._frame_tag)
            self._frame_tag = None
        if self.picker is not None:
            self.picker.remove()
            self.picker = None
        if self.zoom is not None:
            self.zoom.remove()
            self.zoom = None

    def install_picker(self, on_click: Callable[[Pick], None], *, on_hover=None,
                       on_stroke: Callable[[Pick], None] | None = None) -> ScenePicker:
        if self.picker is not None:
            self.picker.remove()
        # Hovering names muscles and bones; the skin needs no tooltip.
        labels = {pid: self._hover_label(p) for pid, p in self.parts.items() if p.info.kind != "skin"}
        marker_labels = {k: f"{self.catalog.trigger_point(k.tp).name} ({k.side})" for k in self.markers.keys}
        self.picker = ScenePicker(self.plotter, {pid: p.actor for pid, p in self.parts.items()}, self.markers,
                                  on_click, on_hover=on_hover, on_stroke=on_stroke,
                                  wants_stroke=lambda: self.state.mode == "paint",
                                  labels=labels, marker_labels=marker_labels)
        return self.picker

    def _hover_label(self, part: PartActor) -> str:
        info = part.info
        side = f" ({info.side})" if info.side in ("left", "right") else ""
        if info.kind == "muscle" and self.catalog.has_muscle(info.muscle):
            return f"{self.catalog.muscle(info.muscle).name}{side} - click for its card"
        if info.kind == "muscle":
            label = info.label if info.side in info.label else info.label + side
            return f"{label} - no trigger points in the atlas yet"
        return info.label

    def _on_frame_end(self, *_: object) -> None:
        self.frames_rendered += 1
        for listener in list(self.frame_listeners):
            listener(self.frames_rendered)

    def orbit(self, degrees: float) -> None:
        """Turn the camera around the focal point (benchmark, keyboard)."""
        self.plotter.camera.Azimuth(degrees)
        self.plotter.renderer.ResetCameraClippingRange()
        self._render()

    def install_zoom_to_cursor(self) -> ZoomToCursor:
        """Wheel zoom toward the surface under the cursor instead of the screen centre."""
        def pick_point(x: float, y: float):
            pick = self.picker.pick_surface(x, y) if self.picker is not None else None
            return pick.point if pick is not None and pick.part else None

        self.zoom = ZoomToCursor(self.plotter, pick_point, self._render)
        return self.zoom

    def _render(self) -> None:
        self.renders_requested += 1
        self.request_render()

    def _refresh_all(self) -> None:
        self._apply_layers()
        self._on_marker_filter_changed()
        self._on_selection_changed(self.state.selection)
        self._on_selected_muscle_changed(self.state.selected_muscle)

    # --- state subscribers --------------------------------------------------------------------
    def _on_selection_changed(self, selection: Selection | None = None, *_: object) -> None:
        if selection is None or not self.catalog.has_trigger_point(selection.tp):
            self.overlay.set_zones(None, None)
        else:
            self.overlay.set_zones(*self.body.weights(selection))
        self._update_legend()
        self._highlight_markers()
        self._render()

    def legend_lines(self) -> list[tuple[str, str]]:
        """(text, colour) of what the legend explains now; empty when there is nothing to explain."""
        lines = []
        if self.state.selection is not None and self.state.skin == "hidden":
            # The zones live on the skin: say why they are not seen instead of explaining them.
            lines = [("Pain zones hidden with the skin (S)", theme.LEGEND_NOTE)]
        elif self.state.selection is not None:
            lines = [(text, colour) for text, colour in legend_entries(self.overlay.striped)]
        if self.overlay.pain.any():
            lines.append(("Your pain drawing", theme.PAIN))
        return lines

    def _update_legend(self) -> None:
        """Rewrite the legend's entries in place and size it: about 30 pixels per line."""
        lines = self.legend_lines()
        self.legend.SetVisibility(bool(lines))
        if not lines:
            return
        symbol = self.legend.GetEntrySymbol(0)
        self.legend.SetNumberOfEntries(len(lines))
        for i, (text, colour) in enumerate(lines):
            self.legend.SetEntry(i, symbol, text, [float(c) for c in theme.rgb(colour)])
        w, h = self.plotter.window_size
        chars = max(len(text) for text, _ in lines)
        width = min(0.6, (40.0 + 10.0 * chars) / max(w, 1))
        height = min(0.3, 30.0 * len(lines) / max(h, 1))
        self.legend.SetPosition(0.01, 0.01)
        self.legend.SetPosition2(width, height)

    def _on_selected_muscle_changed(self, muscle: str | None = None, *_: object) -> None:
        apply_muscle_highlight(self.parts, muscle)
        self._render()

    def _on_layers_changed(self, *_: object) -> None:
        self._apply_layers()
        self._update_legend()
        self._on_marker_filter_changed()  # renders

    def _apply_layers(self) -> None:
        apply_layers(self.parts, self.state, paint_mode=self.state.mode == "paint")
        # Without an opaque skin the markers sit on the outermost shown part over their trigger point.
        self.markers.set_on_skin(self.state.skin == "opaque", self._part_shown)

    def _on_marker_filter_changed(self, *_: object) -> None:
        flt, isolated = self.state.marker_filter, self.state.isolated_muscle
        shown = set()
        for key in self.markers.keys:
            tp = self.catalog.trigger_point(key.tp)
            if flt.muscle and tp.muscle != flt.muscle or isolated and tp.muscle != isolated:
                continue
            if flt.region and flt.region not in tp.referral.all_regions:
                continue
            if not self.markers.on_skin and not self._part_shown(self.body.markers[key].part):
                continue  # its muscle is hidden: there is nothing for the marker to lie on
            shown.add(key)
        self.markers.show_only(shown)
        self._render()

    def _part_shown(self, part_id: str) -> bool:
        part = self.parts.get(part_id)
        return part is None or bool(part.actor.visibility)

    def _on_candidates_changed(self, *_: object) -> None:
        self._highlight_markers()
        self._render()

    def _highlight_markers(self) -> None:
        candidates = {Selection(c.trigger_point, c.side or "right") for c in self.state.candidates}
        self.markers.highlight(self.state.selection, candidates)

    def _on_pain_revision_changed(self, *_: object) -> None:
        painted = self.body.painted() if self.body.has_drawing else None
        self.overlay.set_pain(painted)
        self._update_legend()
        self._render()

    def _on_view_request_changed(self, request=None, *_: object) -> None:
        if request is None:
            return
        if request.kind == "preset":
            target = self.preset_pose(request.name)
        elif request.kind == "frame_selection" and self.state.selection is not None:
            target = self.selection_pose(self.state.selection)
        else:
            target = self.preset_pose("front")
        self.move_camera(cameras.current(self.plotter.camera), target)

    # --- camera -------------------------------------------------------------------------------
    def _aspect(self) -> float:
        w, h = self.plotter.window_size
        return w / h if h else 1.0

    def body_bounds(self) -> tuple[float, ...]:
        return tuple(self.skin.poly.bounds)

    def preset_pose(self, name: str) -> CameraPose:
        return cameras.preset(name, self.body_bounds(), self._aspect())

    def selection_pose(self, selection: Selection) -> CameraPose:
        """Frame the trigger point and its referral zone, seen from where they face."""
        place = self.body.markers.get(selection)
        if self.state.skin == "hidden" and place is not None and place.part in self.parts:
            # The zone is on the hidden skin: frame the trigger point on its muscle instead.
            points = np.vstack([np.asarray(self.parts[place.part].poly.points), self.markers.position(selection)[None]])
            return cameras.frame_points(points, place.anchored(False)[1], self._aspect())
        mask = self.body.zone_mask(selection)
        points = np.asarray(self.body.skin.points[mask], float)
        normal = np.asarray(self.body.skin.normals[mask], float).sum(axis=0)
        if place is not None:
            points = np.vstack([points, self.markers.position(selection)[None]])
            # The zone matters more than the marker when both cannot face the camera.
            normal = 2.0 * normal / max(1, int(mask.sum())) + place.normal
        if len(points) == 0:
            return self.preset_pose("front")
        return cameras.frame_points(points, normal, self._aspect())

    def set_camera(self, pose: CameraPose) -> None:
        cameras.apply(self.plotter.camera, pose)
        self.plotter.renderer.ResetCameraClippingRange()
        self._render()
