"""``Body``: the built meshes plus the skin fields the app derives from them (numpy only).

It answers the questions the controller and the scene share: where each trigger-point
marker sits (on both sides), the referral weights of a selection on the skin, and the
pain drawing. Expensive things (the rasteriser, the drawing) are made on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from viewer.domain.model import Catalog, Side, TriggerPoint
from viewer.geometry.meshes import MeshData, MeshLibrary
from viewer.state import Selection

SIDE_SUFFIX = {"right": "r", "left": "l"}
# Markers float this far above the skin so that they are never buried in it.
MARKER_LIFT_M = 0.004
# On a bare muscle (skin hidden or see-through) they lie closer: the muscle is the surface.
MUSCLE_LIFT_M = 0.003
# A part whose surface lies within this of a trigger point's muscle surface does not cover it.
COVER_MARGIN_M = 0.0015


@dataclass(frozen=True)
class MarkerPlace:
    """Where a trigger point's marker is drawn."""

    point: np.ndarray  # on the skin, lifted along the normal
    normal: np.ndarray  # outward skin normal there
    skin_vertex: int
    muscle_point: np.ndarray  # the trigger point itself, inside the muscle
    part: str = ""  # the muscle part it belongs to
    on_muscle: np.ndarray | None = None  # over the trigger point on the muscle's outer surface
    muscle_normal: np.ndarray | None = None
    # The other parts between the skin and the muscle point, outermost first:
    # (part, point on its surface lifted like on_muscle, outward normal there).
    covers: tuple[tuple[str, np.ndarray, np.ndarray], ...] = ()

    def anchored(self, on_skin: bool, shown: Callable[[str], bool] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(point, normal) of the marker on the skin, or when the skin is not opaque on the
        outermost shown part over the trigger point (``shown(part)``), else on its own muscle.

        So a marker stays visible and clickable whatever layers cover its muscle; peeling them
        off brings it down to the muscle itself.
        """
        if on_skin or self.on_muscle is None or self.muscle_normal is None:
            return self.point, self.normal
        if shown is not None:
            for part, point, normal in self.covers:
                if shown(part):
                    return point, normal
        return self.on_muscle, self.muscle_normal


class Body:
    """Meshes of one level of detail and the fields on its skin."""

    def __init__(self, catalog: Catalog, library: MeshLibrary) -> None:
        self.catalog = catalog
        self.library = library
        self.skin_id = library.skin_part().id
        self.skin: MeshData = library.load(self.skin_id)
        self._lock = threading.Lock()
        self._weights_lock = threading.Lock()
        self._rasteriser = None
        self._stop_warm_up = threading.Event()
        self._placing: threading.Thread | None = None
        self._placed: dict[Selection, MarkerPlace] | None = None
        self._cache_path: Path | None = None
        self.problems: list[str] = []  # one line each, shown in the status bar

    # --- parts -------------------------------------------------------------------------------
    def muscle_part(self, anatomy: str, side: str) -> str | None:
        """The part id of a side-neutral muscle part on one side, if it was built."""
        wanted = {"right": ("right", "midline"), "left": ("left", "midline")}[side]
        for info in self.library.parts:
            if info.kind == "muscle" and info.anatomy == anatomy and info.side in wanted:
                return info.id
        candidate = f"{anatomy}_{SIDE_SUFFIX[side]}"
        return candidate if self.library.has_part(candidate) else None

    # --- markers -----------------------------------------------------------------------------
    @property
    def markers(self) -> dict[Selection, MarkerPlace]:
        """Every trigger point whose muscle part exists, on both sides (placed once)."""
        if self._placing is not None:
            self._placing.join()
            self._placing = None
        if self._placed is None:
            self._placed = self._cached_places()
        if self._placed is None:
            self._placed = self._place_and_keep()
        return self._placed

    def place_markers_in_background(self) -> None:
        """Place the markers in a worker thread while the window is being built (start-up time:
        the nearest-point queries run in numpy, mostly without the GIL). :attr:`markers` waits
        for it; if the worker fails, :attr:`markers` places them again and raises there."""
        if self._placing is not None or self._placed is not None:
            return
        self._placed = self._cached_places()  # a few milliseconds when the cache has them
        if self._placed is not None:
            return

        def run() -> None:
            reported = len(self.problems)
            try:
                self._placed = self._place_and_keep()
            except Exception:  # noqa: BLE001 - repeated (and raised) on the main thread
                del self.problems[reported:]
                self._placed = None

        self._placing = threading.Thread(target=run, name="marker-placement", daemon=True)
        self._placing.start()

    def _cache_file(self):
        """The marker cache file of these meshes and trigger points (the key is hashed once)."""
        from viewer.controller import marker_cache

        if self._cache_path is None:
            key = marker_cache.marker_key(self.catalog, self.library, (MARKER_LIFT_M, MUSCLE_LIFT_M, COVER_MARGIN_M))
            self._cache_path = marker_cache.cache_path(key)
        return self._cache_path

    def _cached_places(self) -> dict[Selection, MarkerPlace] | None:
        from viewer.controller import marker_cache

        return marker_cache.read_places(self._cache_file(), MarkerPlace)

    def _place_and_keep(self) -> dict[Selection, MarkerPlace]:
        """Place every marker and cache the result (only a complete one: problems are reported
        at every start until they are fixed)."""
        from viewer.controller import marker_cache

        reported = len(self.problems)
        placed = self._place_markers()
        if len(self.problems) == reported:
            marker_cache.write_places(self._cache_file(), placed)
        return placed

    def _place_markers(self) -> dict[Selection, MarkerPlace]:
        from viewer.geometry.frame import nearest_surface_points

        placed = self._trigger_points_inside()
        if not placed:
            return {}
        # All skin points in one batch, then the muscle points part by part (start-up time).
        on_skin, vertices = nearest_surface_points(self.skin, np.array([inside for _, _, inside in placed]))
        by_part: dict[str, list[int]] = {}
        for i, (_, part, _) in enumerate(placed):
            by_part.setdefault(part, []).append(i)
        on_muscle: dict[int, tuple[np.ndarray, int]] = {}
        for part, rows in by_part.items():
            points, near = nearest_surface_points(self.library.load(part), on_skin[rows])
            on_muscle.update({i: (points[j], int(near[j])) for j, i in enumerate(rows)})
        covers = self._covers([part for _, part, _ in placed], np.asarray(on_skin, float),
                              np.array([on_muscle[i][0] for i in range(len(placed))], float))
        out: dict[Selection, MarkerPlace] = {}
        for i, (selection, part, inside) in enumerate(placed):
            vertex = int(vertices[i])
            normal = np.asarray(self.skin.normals[vertex], float)
            point = on_skin[i] + normal * MARKER_LIFT_M
            muscle_point, muscle_normal = self._on_muscle_surface(part, inside, on_skin[i], *on_muscle[i])
            out[selection] = MarkerPlace(point, normal, vertex, inside, part, muscle_point, muscle_normal,
                                         covers.get(i, ()))
        return out

    def _covers(self, own: list[str], tops: np.ndarray, bottoms: np.ndarray) -> dict[int, tuple]:
        """Row -> the parts crossed by the segment from its skin point ``tops`` down to its
        muscle point ``bottoms``, outermost first (see :attr:`MarkerPlace.covers`)."""
        from viewer.geometry.raycast import face_normals, first_hits, mesh_bounds, segments_touch_box

        length = np.linalg.norm(bottoms - tops, axis=1)
        # A neighbour touching the muscle right at the marker does not cover it.
        end = 1.0 - COVER_MARGIN_M / np.maximum(length, 1e-9)
        hits: dict[int, list[tuple[float, str, np.ndarray, np.ndarray]]] = {}
        for info in self.library.parts:
            if info.kind not in ("muscle", "bone"):
                continue
            mesh = self.library.load(info.id)
            rows = np.flatnonzero(segments_touch_box(tops, bottoms, mesh_bounds(mesh)) & (end > 0))
            rows = [int(r) for r in rows if own[r] != info.id]
            if not rows:
                continue
            frac, faces = first_hits(mesh, tops[rows], bottoms[rows])
            keep = [k for k, r in enumerate(rows) if frac[k] < end[r]]
            if not keep:
                continue
            normals = face_normals(mesh, faces[keep])
            for k, normal in zip(keep, normals):
                r = rows[k]
                point = tops[r] + frac[k] * (bottoms[r] - tops[r])
                if float(normal @ (tops[r] - point)) < 0:
                    normal = -normal
                hits.setdefault(r, []).append((float(frac[k]), info.id, point + normal * MUSCLE_LIFT_M, normal))
        return {r: tuple((part, point, normal) for _, part, point, normal in sorted(found, key=lambda h: h[0]))
                for r, found in hits.items()}

    def _trigger_points_inside(self) -> list[tuple[Selection, str, np.ndarray]]:
        """(selection, muscle part, trigger point in the body frame) of every placeable marker."""
        from viewer.geometry.frame import place

        out: list[tuple[Selection, str, np.ndarray]] = []
        for tp in self.catalog.trigger_points:
            for side in ("right", "left"):
                part = self.muscle_part(tp.location.part, side)
                if part is None:
                    continue
                loc = tp.location
                try:
                    inside = np.asarray(place(self.library.load(part), loc.s, loc.t, loc.depth), float)
                except ValueError as exc:  # a part built without its frame: report, keep going
                    self.problems.append(f"{self.library.assets_dir / self.library.part(part).file}: "
                                         f"trigger point {tp.id} cannot be placed ({exc})")
                    continue
                out.append((Selection(tp.id, side), part, inside))
        return out

    def _on_muscle_surface(self, part: str, inside: np.ndarray, on_skin: np.ndarray, point: np.ndarray,
                           vertex: int) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Where the marker lies when the skin is not opaque: on the muscle, over the trigger point.

        ``point`` (and its ``vertex``) is the muscle's surface point nearest to the skin point
        above the trigger point (the way a palpating finger reaches it); it is lifted along the
        surface normal turned towards the skin. Using the skin rather than the frame's
        "superficial" side keeps border trigger points (e.g. the upper trapezius's free border)
        on the side the user looks at.
        """
        mesh = self.library.load(part)
        point = np.asarray(point, float)
        normal = np.asarray(mesh.normals[int(vertex)], float)
        towards_skin = on_skin - point
        if float(np.linalg.norm(towards_skin)) < 1e-6:  # the muscle reaches the skin: go outwards from the TrP
            towards_skin = point - inside
        length = float(np.linalg.norm(normal))
        if length < 1e-9:
            return None, None
        normal = normal / length
        if float(normal @ towards_skin) < 0:
            normal = -normal
        return point + normal * MUSCLE_LIFT_M, normal

    # --- referral ---------------------------------------------------------------------------
    @property
    def rasteriser(self):
        # A lock, not cached_property: the warm-up thread and a click may both ask for it.
        with self._lock:
            if self._rasteriser is None:
                from viewer.geometry.referral import ReferralRasteriser

                self._rasteriser = ReferralRasteriser(self.skin, self.library.regions, self.library.landmarks)
            return self._rasteriser

    def weights(self, selection: Selection) -> tuple[np.ndarray, np.ndarray]:
        """(essential, spillover) per skin vertex in [0, 1] for a selection (cached)."""
        tp: TriggerPoint = self.catalog.trigger_point(selection.tp)
        rasteriser = self.rasteriser
        with self._weights_lock:
            return rasteriser.weights(tp, Side(selection.side))

    def warm_up(self) -> None:
        """Build the skin graph and the weights of every marker now, not on the first click.

        Building the graph of a 300 k-vertex skin takes seconds; the app runs this in a
        background thread after the window is shown (:meth:`start_warm_up`).
        """
        for selection in list(self.markers):
            if self._stop_warm_up.is_set():
                return
            self.weights(selection)

    def start_warm_up(self) -> threading.Thread:
        thread = threading.Thread(target=self.warm_up, name="skin-fields-warm-up", daemon=True)
        thread.start()
        return thread

    def stop_warm_up(self) -> None:
        self._stop_warm_up.set()

    def zone_mask(self, selection: Selection, threshold: float = 0.5) -> np.ndarray:
        """Skin vertices inside the zone (essential or spillover), e.g. to frame the camera."""
        essential, spillover = self.weights(selection)
        return (essential >= threshold) | (spillover >= threshold)

    # --- pain drawing -------------------------------------------------------------------------
    @cached_property
    def drawing(self):
        from viewer.geometry.brush import PainDrawing

        return PainDrawing(self.skin)

    @cached_property
    def _ticks(self):
        from viewer.geometry.brush import PainDrawing

        return PainDrawing(self.skin)

    def paint_regions(self, ticked: dict[tuple[str, str], bool]) -> None:
        """Replace the ticked-region layer of the drawing by the regions ticked now."""
        chosen = [key for key, on in ticked.items() if on]
        ticks = self._ticks
        ticks.clear()
        if chosen:
            ticks.tick_regions(self.library.regions, chosen)

    @property
    def has_drawing(self) -> bool:
        """Was anything painted or ticked yet (without creating the drawing)?"""
        return "drawing" in self.__dict__ or "_ticks" in self.__dict__

    def painted(self) -> np.ndarray:
        """The whole drawing (brush and ticked regions) per skin vertex in [0, 1]."""
        brush = self.drawing.painted
        if "_ticks" not in self.__dict__:
            return brush
        return np.maximum(brush, self._ticks.painted)

    def pain_coverage(self) -> dict[tuple[str, str], float]:
        """(region id, side) -> painted area in m^2, brush and ticks together."""
        out = dict(self.drawing.region_coverage(self.library.regions))
        if "_ticks" in self.__dict__:
            for key, area in self._ticks.region_coverage(self.library.regions).items():
                out[key] = max(out.get(key, 0.0), area)
        return {k: v for k, v in out.items() if v > 0}
