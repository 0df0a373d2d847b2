"""Trigger-point markers: the charts' X, lying on the skin, all in ONE actor.

One actor for all markers because every actor costs a fixed amount per frame on software GL
(measured: 266 tiny actors added about 250 ms to an 800x800 llvmpipe frame). Filtering and
highlighting rebuild this small mesh (8 points per marker) and its per-cell colours.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyvista as pv

from viewer.controller.body import MarkerPlace
from viewer.scene import theme
from viewer.state import Selection

ARM_M = 0.011  # half-length of each bar of the X
BAR_M = 0.0028  # half-width of a bar
SELECTED_SCALE = 1.6
CANDIDATE_SCALE = 1.35
BACKGROUND_SCALE = 0.7


def _tangent_frame(normal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two unit vectors across the skin; the first as vertical as the normal allows."""
    up = np.array([0.0, 0.0, 1.0])
    u = up - normal * float(up @ normal)
    if np.linalg.norm(u) < 1e-6:
        u = np.array([1.0, 0.0, 0.0]) - normal * normal[0]
    u /= np.linalg.norm(u)
    return u, np.cross(normal, u)


def x_offsets(normal: np.ndarray, arm: float = ARM_M, bar: float = BAR_M) -> np.ndarray:
    """(8, 3) corner offsets of two crossed flat bars in the tangent plane of ``normal``."""
    n = np.asarray(normal, float) / np.linalg.norm(normal)
    u, v = _tangent_frame(n)
    corners = []
    for direction in ((u + v) / np.sqrt(2.0), (u - v) / np.sqrt(2.0)):
        along, across = direction * arm, np.cross(n, direction) * bar
        corners += [-along - across, along - across, along + across, -along + across]
    return np.asarray(corners)


class MarkerSet:
    """The marker mesh and its look (normal, selected, candidate, hidden)."""

    def __init__(self, plotter: pv.BasePlotter, places: dict[Selection, MarkerPlace]) -> None:
        self.plotter = plotter
        self.places = places
        self.keys: list[Selection] = list(places)
        # Index lookups instead of hashing Selection dataclasses per marker on every click.
        self._index_of: dict[Selection, int] = {k: i for i, k in enumerate(self.keys)}
        self.on_skin = True
        self._shown_part: Callable[[str], bool] | None = None
        self._place_all()
        self.shown: set[Selection] = set(self.keys)
        self._shown_index: list[int] = list(range(len(self.keys)))
        self.selected: Selection | None = None
        self.candidates: set[Selection] = set()
        self.poly = pv.PolyData()
        self.actor: pv.Actor | None = None
        self._rebuild()

    def _place_all(self) -> None:
        self._visible: tuple[list[Selection], np.ndarray] | None = None
        anchored = [self.places[k].anchored(self.on_skin, self._shown_part) for k in self.keys]
        self._centres = np.array([p for p, _ in anchored], float).reshape(-1, 3)
        normals = np.array([n for _, n in anchored], float).reshape(-1, 3)
        old = getattr(self, "_normals", None)
        if old is None or old.shape != normals.shape:
            self._offsets = np.array([x_offsets(n) for n in normals]).reshape(-1, 8, 3)
        else:  # a layer toggle moves only the markers it uncovers or covers
            for i in np.flatnonzero(np.any(old != normals, axis=1)):
                self._offsets[i] = x_offsets(normals[i])
        self._normals = normals

    # --- where ------------------------------------------------------------------------------
    def set_on_skin(self, on_skin: bool, shown_part: Callable[[str], bool] | None = None) -> None:
        """Lie on the skin (opaque skin), or with the skin hidden or see-through on the outermost
        part over the trigger point for which ``shown_part(part id)`` is true (its own muscle
        when none is given or none of its covers is shown)."""
        before = self._centres
        self.on_skin, self._shown_part = on_skin, shown_part
        self._place_all()
        if not np.array_equal(before, self._centres):
            self._rebuild()

    def position(self, key: Selection) -> np.ndarray:
        """Where the marker of ``key`` is drawn now."""
        return self._centres[self._index_of[key]]

    # --- look -------------------------------------------------------------------------------
    def show_only(self, keys: set[Selection]) -> None:
        """Hide every marker not in ``keys``."""
        self.shown = {k for k in self.keys if k in keys}
        self._shown_index = [i for i, k in enumerate(self.keys) if k in self.shown]
        self._visible = None
        self._rebuild()

    def highlight(self, selected: Selection | None, candidates: set[Selection]) -> None:
        """Selected in yellow and larger, candidates in green, the rest dark."""
        self.selected, self.candidates = selected, set(candidates)
        self._rebuild()

    def is_shown(self, key: Selection) -> bool:
        return key in self.shown

    def style_of(self, key: Selection) -> tuple[str, float]:
        """(hex colour, scale) a marker is drawn with."""
        if key == self.selected:
            return theme.MARKER_SELECTED, SELECTED_SCALE
        if key in self.candidates:
            return theme.MARKER_CANDIDATE, CANDIDATE_SCALE
        # With a selection, the other X step back so that the chosen one and its zone stand out.
        return theme.MARKER, 1.0 if self.selected is None else BACKGROUND_SCALE

    def _styles(self, index: list[int]) -> list[tuple[str, float]]:
        """:meth:`style_of` for the markers at ``index`` (by position: no hashing per marker)."""
        selected = self._index_of.get(self.selected, -1) if self.selected is not None else -1
        candidates = {self._index_of[k] for k in self.candidates if k in self._index_of}
        rest = (theme.MARKER, 1.0 if self.selected is None else BACKGROUND_SCALE)
        return [(theme.MARKER_SELECTED, SELECTED_SCALE) if i == selected
                else (theme.MARKER_CANDIDATE, CANDIDATE_SCALE) if i in candidates else rest for i in index]

    def visible_points(self) -> tuple[list[Selection], np.ndarray]:
        """(keys, centres) of the shown markers; cached, since every hover and click asks."""
        if self._visible is None:
            index = self._shown_index
            self._visible = ([self.keys[i] for i in index], self._centres[index].reshape(-1, 3))
        return self._visible

    def facing(self, centres: np.ndarray, keys: list[Selection], eye: np.ndarray) -> np.ndarray:
        """Which of these markers turn their face to a camera at ``eye`` (the others are culled)."""
        normals = self._normals[[self._index_of[k] for k in keys]].reshape(-1, 3)
        return np.einsum("ij,ij->i", np.asarray(eye, float) - centres, normals) > 0

    # --- mesh -------------------------------------------------------------------------------
    def _rebuild(self) -> None:
        index = self._shown_index
        if not index:
            if self.actor is not None:
                self.actor.visibility = False
            return
        styles = self._styles(index)
        scales = np.array([s for _, s in styles])[:, None, None]
        centres, offsets = self._centres[index], self._offsets[index]
        colours = [(theme.rgb(c) * 255).round() for c, _ in styles]
        points = centres[:, None, :] + offsets * scales
        if self.selected in self.shown:
            # A dark rim under the yellow X keeps it visible on pale skin; it comes last so
            # marker j still owns cells 2j and 2j+1. The X itself is lifted 1 mm above it.
            selected = self._index_of[self.selected]
            j = index.index(selected)
            normal = self._normals[selected]
            rim = centres[j] + x_offsets(normal, ARM_M * SELECTED_SCALE + 0.0015, BAR_M * SELECTED_SCALE + 0.0012)
            points[j] += normal / np.linalg.norm(normal) * 0.001
            points = np.concatenate([points, rim[None]])
            colours.append((theme.rgb(theme.MARKER) * 255).round())
        points = points.reshape(-1, 3)
        quads = np.arange(len(points)).reshape(-1, 4)
        faces = np.c_[np.full(len(quads), 4), quads].ravel()
        colours = np.repeat(colours, 2, axis=0).astype(np.uint8)
        mesh = pv.PolyData(points.astype(np.float32), faces)
        mesh.cell_data.set_array(colours, "rgb")
        if self.actor is None:
            self.poly = mesh
            self.actor = self.plotter.add_mesh(self.poly, scalars="rgb", rgb=True, preference="cell", name="markers",
                                               render=False, reset_camera=False, lighting=False, pickable=False)
            # A marker on the far side of the silhouette faces away from the camera; its 4 mm lift
            # made it peek out past the outline as a stray dash. Its quads wind counter-clockwise
            # about the outward normal (``x_offsets``), so culling back faces hides exactly those.
            self.actor.prop.SetBackfaceCulling(True)
        else:
            self.poly.copy_from(mesh)
        self.actor.visibility = True
