"""Render the app's scene without a window (command line ``render``, reports, tests)."""

from __future__ import annotations

import os

import numpy as np

from viewer.domain.model import Catalog
from viewer.geometry.meshes import MeshLibrary
from viewer.state import LAYERS, SKIN_MODES, VIEWS, AppState, Selection


def _use_egl_without_display() -> None:
    """Without an X display, VTK must render through EGL (the default GLX window aborts)."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")


def _check(catalog: Catalog, view: str, select: str | None, side: str, skin: str, layers) -> None:
    if view not in VIEWS and view != "selection":
        raise ValueError(f"view must be one of {', '.join(VIEWS)} or 'selection', not {view!r}")
    if select is not None and not catalog.has_trigger_point(select):
        raise ValueError(f"unknown trigger point '{select}'")
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', not {side!r}")
    if skin not in SKIN_MODES:
        raise ValueError(f"skin must be one of {', '.join(SKIN_MODES)}, not {skin!r}")
    unknown = set(layers or ()) - set(LAYERS)
    if unknown:
        raise ValueError(f"unknown layer(s) {', '.join(sorted(unknown))}; known: {', '.join(LAYERS)}")


def render_image(catalog: Catalog, library: MeshLibrary, *, view: str = "front", select: str | None = None,
                 side: str = "right", size: tuple[int, int] = (1280, 800), skin: str = "opaque",
                 layers=None, title: bool = True) -> np.ndarray:
    """The scene the app shows, as an (h, w, 3) uint8 image.

    ``view`` is a standard view (front, back, left, right) or ``selection`` (frame the
    selected trigger point and its zone); ``layers`` the visible layers (default all).
    Raises ``ValueError`` with a one-line message for bad arguments.
    """
    _check(catalog, view, select, side, skin, layers)
    _use_egl_without_display()
    import pyvista as pv

    from viewer.controller import Controller
    from viewer.controller.body import Body
    from viewer.scene import theme
    from viewer.scene.body_scene import BodyScene

    state = AppState(skin=skin, visible_layers=frozenset(LAYERS if layers is None else layers))
    controller = Controller(catalog, Body(catalog, library), state)
    plotter = pv.Plotter(off_screen=True, window_size=tuple(size), lighting="light kit")
    try:
        scene = BodyScene(plotter, catalog, controller.body, state, options=theme.RenderOptions(),
                          request_render=lambda: None)
        if select is not None:
            controller.select_trigger_point(select, side)
            if title:
                tp = catalog.trigger_point(select)
                plotter.add_text(f"{tp.name} - {side} side", position="upper_left", font_size=11,
                                 color="#1A1A1A")
        if view == "selection" and select is not None:
            scene.set_camera(scene.selection_pose(Selection(select, side)))
        else:
            scene.set_camera(scene.preset_pose("front" if view == "selection" else view))
        image = plotter.screenshot(return_img=True)
        scene.disconnect()
        return np.ascontiguousarray(image[:, :, :3], dtype=np.uint8)
    finally:
        plotter.close()
