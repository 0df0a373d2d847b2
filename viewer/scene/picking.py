"""Click-without-drag picking, hover labels and brush strokes on the 3D view.

A click is a left press and release less than :attr:`ScenePicker.drag_px` apart (MNE's rule):
a drag rotates the camera and never selects. Markers are hit in screen space (the nearest
marker centre within :attr:`ScenePicker.marker_px`, unless the body hides it); surfaces through
a ``vtkCellPicker`` with one static cell locator per part (0.02 ms on 300 k triangles instead
of 22 ms without). Positions are VTK event positions, already in framebuffer pixels.

To synthesise a click through this real path (tests, benchmark): in the Qt app,
``QTest.mouseClick(window.plotter, Qt.LeftButton, pos=window.marker_position(selection))``
(``MainWindow.marker_position`` projects the marker with :func:`display_position` and converts
framebuffer pixels, y up, to widget pixels, y down); without Qt, call
:meth:`ScenePicker.click_at` with display pixels. ``BodyScene.frames_rendered`` (and
``frame_listeners``) tell when the resulting frame has been drawn.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pyvista as pv
from vtkmodules.vtkCommonDataModel import vtkStaticCellLocator
from vtkmodules.vtkRenderingCore import vtkCellPicker

from viewer.controller import Pick
from viewer.scene.markers import MarkerSet


def display_position(renderer: pv.Renderer, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """World points -> (display pixels (n, 2) with y up, distance to the camera (n,))."""
    pts = np.asarray(points, float).reshape(-1, 3)
    cam = renderer.GetActiveCamera()
    matrix = cam.GetCompositeProjectionTransformMatrix(renderer.GetTiledAspectRatio(), -1, 1)
    m = np.array([[matrix.GetElement(i, j) for j in range(4)] for i in range(4)])
    clip = np.c_[pts, np.ones(len(pts))] @ m.T
    ndc = clip[:, :2] / clip[:, 3:4]
    x0, y0, x1, y1 = renderer.GetViewport()
    w, h = renderer.GetRenderWindow().GetSize()
    xy = np.c_[(x0 + (ndc[:, 0] + 1) / 2 * (x1 - x0)) * w, (y0 + (ndc[:, 1] + 1) / 2 * (y1 - y0)) * h]
    return xy, np.linalg.norm(pts - np.asarray(cam.GetPosition()), axis=1)


class ScenePicker:
    """Observers on the interactor that turn mouse input into :class:`Pick` callbacks.

    ``on_click(pick)`` fires on a still click; ``on_hover(text or None)`` when the thing under
    the idle cursor changes; ``on_stroke(pick)`` on every brush dab while ``wants_stroke()``
    is true (the left drag then paints instead of rotating, and the right drag turns the
    camera instead of zooming).
    """

    drag_px = 4
    marker_px = 14
    stroke_px = 4

    def __init__(self, plotter: pv.BasePlotter, parts: dict[str, pv.Actor], markers: MarkerSet,
                 on_click: Callable[[Pick], None], *, on_hover: Callable[[str | None], None] | None = None,
                 on_stroke: Callable[[Pick], None] | None = None,
                 wants_stroke: Callable[[], bool] = lambda: False,
                 labels: dict[str, str] | None = None, marker_labels: dict | None = None) -> None:
        self.plotter, self.markers = plotter, markers
        self.on_click, self.on_hover, self.on_stroke = on_click, on_hover, on_stroke
        self.wants_stroke = wants_stroke
        self.labels = labels or {}
        self.marker_labels = marker_labels or {}
        self._part_of = {id(a): pid for pid, a in parts.items()}
        self._actors = parts
        self._picker = self._make_picker(parts)
        self._unindexed = list(parts.values())  # see index_parts
        self._press: tuple[int, int] | None = None
        self._stroking = False
        self._last_stroke: tuple[int, int] | None = None
        self._hover_text: str | None = None
        self._tags: list[int] = []
        iren = plotter.iren.interactor
        self._turning = False  # a right drag turning the body while the left button paints
        for event, handler in (("LeftButtonPressEvent", self._on_press), ("LeftButtonReleaseEvent", self._on_release),
                               ("MouseMoveEvent", self._on_move), ("RightButtonPressEvent", self._on_right_press),
                               ("RightButtonReleaseEvent", self._on_right_release)):
            # Priority above the interactor style, so a brush stroke can stop the rotation.
            self._tags.append(iren.AddObserver(event, handler, 10.0))
        # While the style rotates it grabs the mouse focus and the interactor's own observers
        # miss the release; the style still reports it (pyvista issue 4976).
        self._style = plotter.iren.style
        self._style_tag = self._style.AddObserver("LeftButtonReleaseEvent", self._on_release, 10.0)

    @staticmethod
    def _make_picker(parts: dict[str, pv.Actor]) -> vtkCellPicker:
        picker = vtkCellPicker()
        picker.SetTolerance(0.0005)
        picker.PickFromListOn()
        for actor in parts.values():
            picker.AddPickList(actor)
        return picker

    def index_parts(self) -> None:
        """Give every part a static cell locator (a pick without one walks all cells: ~20 ms on
        300k triangles). Building them takes ~0.1 s for ~240 parts, so the window calls this
        after its first frame; the first pick builds them if that has not happened yet."""
        for actor in self._unindexed:
            locator = vtkStaticCellLocator()
            locator.SetDataSet(actor.GetMapper().GetInput())
            locator.BuildLocator()
            self._picker.AddLocator(locator)
        self._unindexed = []

    @property
    def indexed(self) -> bool:
        return not self._unindexed

    def remove(self) -> None:
        iren = self.plotter.iren.interactor
        for tag in self._tags:
            iren.RemoveObserver(tag)
        self._tags.clear()
        self._style.RemoveObserver(self._style_tag)

    # --- queries ------------------------------------------------------------------------------
    def pick_surface(self, x: float, y: float) -> Pick:
        """The pickable surface under display pixel (x, y); ``part`` is "" for none."""
        if self._unindexed:
            self.index_parts()
        if not self._picker.Pick(x, y, 0, self.plotter.renderer):
            return Pick("")
        actor = self._picker.GetActor()
        part = self._part_of.get(id(actor), "")
        point = tuple(float(v) for v in self._picker.GetPickPosition())
        return Pick(part, point, self._nearest_vertex(actor, self._picker.GetCellId(), point))

    @staticmethod
    def _nearest_vertex(actor, cell_id: int, point) -> int:
        data = actor.GetMapper().GetInput()
        if cell_id < 0:
            return -1
        ids = data.GetCell(cell_id).GetPointIds()
        verts = [ids.GetId(i) for i in range(ids.GetNumberOfIds())]
        dists = [np.linalg.norm(np.asarray(data.GetPoint(v)) - point) for v in verts]
        return int(verts[int(np.argmin(dists))])

    def pick_at(self, x: float, y: float) -> Pick:
        """A marker under (x, y) if one is visible there, else the surface.

        Markers are tested first: a hit costs one surface pick (along the marker's own ray,
        which also tells what lies under it), a miss one pick at (x, y).
        """
        keys, pts = self.markers.visible_points()
        if keys:
            xy, dist = display_position(self.plotter.renderer, pts)
            near = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
            near[~self.markers.facing(pts, keys, self.plotter.camera.position)] = np.inf  # not drawn
            for index in np.argsort(near):
                if near[index] > self.marker_px:
                    break
                under = self.pick_surface(float(xy[index, 0]), float(xy[index, 1]))
                if not self._occluded(under, dist[index]):
                    return Pick(under.part, under.point, under.vertex, keys[int(index)])
        return self.pick_surface(x, y)

    def _occluded(self, front: Pick, distance: float) -> bool:
        """Is the surface hit along the marker's ray in front of the marker?"""
        if not front.part:
            return False
        hit = np.linalg.norm(np.asarray(front.point) - self.plotter.camera.position)
        return bool(hit < distance - 0.01)

    def click_at(self, x: float, y: float) -> Pick:
        """Act as if the user clicked at display pixel (x, y); returns what was hit."""
        pick = self.pick_at(x, y)
        self.on_click(pick)
        return pick

    # --- observers ------------------------------------------------------------------------------
    def _abort(self, iren, index: int) -> None:
        command = iren.GetCommand(self._tags[index])
        if command is not None:
            command.SetAbortFlag(1)

    def _on_press(self, iren, _event) -> None:
        self._press = iren.GetEventPosition()
        if self.on_stroke is not None and self.wants_stroke():
            pick = self.pick_surface(*self._press)
            if pick.part:
                self._stroking, self._last_stroke = True, self._press
                self._abort(iren, 0)  # paint instead of rotating
                self.on_stroke(pick)

    def _on_release(self, _caller, _event) -> None:
        # Called by the interactor or by the style (see __init__); the first call wins.
        iren = self.plotter.iren.interactor
        x, y = iren.GetEventPosition()
        start, self._press = self._press, None
        if self._stroking:
            self._stroking = False
            return
        if start is None or abs(x - start[0]) + abs(y - start[1]) > self.drag_px:
            return  # a drag moved the camera; it never selects
        self.click_at(x, y)

    def _on_right_press(self, iren, _event) -> None:
        """While painting, the right drag turns the body (it zooms otherwise)."""
        if not self.wants_stroke():
            return
        self._abort(iren, 3)
        self._style.FindPokedRenderer(*iren.GetEventPosition())
        self._style.StartRotate()
        self._turning = True

    def _on_right_release(self, iren, _event) -> None:
        if self._turning:
            self._abort(iren, 4)
            self._turning = False
            self._style.EndRotate()

    def _on_move(self, iren, _event) -> None:
        if self._turning:
            return  # the style turns the camera; no hover picking meanwhile
        x, y = iren.GetEventPosition()
        if self._stroking:
            self._abort(iren, 2)
            last = self._last_stroke
            if last is None or abs(x - last[0]) + abs(y - last[1]) >= self.stroke_px:
                self._last_stroke = (x, y)
                pick = self.pick_surface(x, y)
                if pick.part and self.on_stroke is not None:
                    self.on_stroke(pick)
            return
        if self._press is None and self.on_hover is not None:
            self._update_hover(x, y)

    def _update_hover(self, x: float, y: float) -> None:
        pick = self.pick_at(x, y)
        if pick.marker is not None:
            text = self.marker_labels.get(pick.marker, pick.marker.tp)
        else:
            text = self.labels.get(pick.part) if pick.part else None
        if text != self._hover_text:
            self._hover_text = text
            self.on_hover(text)
