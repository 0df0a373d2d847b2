"""Zoom to the cursor: the mouse wheel moves the camera toward the surface point under it."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pyvista as pv

STEP = 0.18  # fraction of the way to the point per wheel notch
MIN_DISTANCE_M = 0.08


class ZoomToCursor:
    """Replaces the style's wheel zoom (which zooms to the screen centre)."""

    def __init__(self, plotter: pv.BasePlotter, pick_point: Callable[[float, float], tuple | None],
                 request_render: Callable[[], None]) -> None:
        self.plotter, self.pick_point, self.request_render = plotter, pick_point, request_render
        iren = plotter.iren.interactor
        self._tags = [iren.AddObserver("MouseWheelForwardEvent", self._on_forward, 10.0),
                      iren.AddObserver("MouseWheelBackwardEvent", self._on_backward, 10.0)]

    def remove(self) -> None:
        for tag in self._tags:
            self.plotter.iren.interactor.RemoveObserver(tag)
        self._tags = []

    def _on_forward(self, iren, _event) -> None:
        iren.GetCommand(self._tags[0]).SetAbortFlag(1)
        self.zoom(*iren.GetEventPosition(), STEP)

    def _on_backward(self, iren, _event) -> None:
        iren.GetCommand(self._tags[1]).SetAbortFlag(1)
        self.zoom(*iren.GetEventPosition(), -STEP / (1 - STEP))

    def zoom(self, x: float, y: float, step: float) -> None:
        """Move eye and focal point toward (step > 0) or away from the point under (x, y)."""
        cam = self.plotter.camera
        eye, focal = np.asarray(cam.position), np.asarray(cam.focal_point)
        hit = self.pick_point(x, y)
        target = np.asarray(hit) if hit is not None else focal
        if step > 0 and np.linalg.norm(target - eye) * (1 - step) < MIN_DISTANCE_M:
            return
        cam.position = tuple(eye + (target - eye) * step)
        cam.focal_point = tuple(focal + (target - focal) * step)
        self.plotter.renderer.ResetCameraClippingRange()
        self.request_render()
