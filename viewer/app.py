"""Composition root: builds the layers, wires them, runs the Qt event loop.

``run()`` is what ``python -m viewer`` calls; ``create_main_window()`` builds the same window
without an event loop (tests, benchmark).
"""

from __future__ import annotations

import os
import sys

from viewer.domain.model import Catalog
from viewer.geometry.meshes import MeshLibrary

SOFTWARE_GL = ("llvmpipe", "softpipe", "swr", "software rasterizer")
GL_RENDERER = 0x1F01


def _prepare_qt() -> None:
    os.environ.setdefault("QT_API", "pyside6")  # pyvistaqt's qtpy must pick PySide6
    import PySide6.QtWidgets  # noqa: F401  (import PySide6 before pyvistaqt)


def default_surface_format():
    """Desktop GL 3.2 core, no MSAA in the Qt context (VTK does its own in its FBOs).

    Installed process-wide before the first window (pyvistaqt 0.13's rule); per-widget
    formats break compositing on Wayland.
    """
    from PySide6.QtGui import QSurfaceFormat

    fmt = QSurfaceFormat()
    fmt.setRenderableType(QSurfaceFormat.RenderableType.OpenGL)
    fmt.setProfile(QSurfaceFormat.OpenGLContextProfile.CoreProfile)
    fmt.setVersion(3, 2)
    fmt.setSwapBehavior(QSurfaceFormat.SwapBehavior.DoubleBuffer)
    for setter in (fmt.setRedBufferSize, fmt.setGreenBufferSize, fmt.setBlueBufferSize, fmt.setAlphaBufferSize):
        setter(8)
    fmt.setDepthBufferSize(24)
    fmt.setSamples(0)
    return fmt


def gl_renderer() -> str:
    """The OpenGL renderer string of this display ('' if it cannot be queried)."""
    from PySide6.QtGui import QOffscreenSurface, QOpenGLContext

    context = QOpenGLContext()
    if not context.create():
        return ""
    surface = QOffscreenSurface()
    surface.create()
    try:
        if not context.makeCurrent(surface):
            return ""
        return str(context.functions().glGetString(GL_RENDERER) or "")
    finally:
        context.doneCurrent()
        surface.destroy()


def is_software_gl(renderer: str) -> bool:
    return not renderer or any(name in renderer.lower() for name in SOFTWARE_GL)


def create_main_window(catalog: Catalog, library: MeshLibrary, *, animate: bool = True,
                       software_gl: bool = True):
    """Build the whole window (no event loop). ``window.scene``, ``window.controller`` and
    ``window.plotter`` (the interactor) are the handles tests and the benchmark use."""
    _prepare_qt()
    from viewer.controller import Controller
    from viewer.controller.body import Body
    from viewer.qt.main_window import MainWindow
    from viewer.scene.theme import RenderOptions

    options = RenderOptions(multi_samples=0, fxaa=False) if software_gl else RenderOptions(multi_samples=4)
    controller = Controller(catalog, Body(catalog, library))
    return MainWindow(controller, options=options, animate=animate)


def _fail(message: str) -> int:
    print(f"trigger-atlas: {message}", file=sys.stderr)
    return 2


def run(argv: list[str] | None = None, *, lod: int | None = None) -> int:
    """Start the GUI; returns the exit code."""
    _prepare_qt()
    from PySide6.QtGui import QSurfaceFormat
    from PySide6.QtWidgets import QApplication

    import viewer
    from viewer import locations
    from viewer.datafiles import DataError, load_catalog
    from viewer.geometry.meshes import AssetError

    QSurfaceFormat.setDefaultFormat(default_surface_format())
    app = QApplication.instance() or QApplication([sys.argv[0], *(argv or [])])
    app.setApplicationName(viewer.APP_NAME)
    app.setApplicationVersion(viewer.__version__)
    software = is_software_gl(gl_renderer())
    try:
        catalog = load_catalog(locations.data_dir())
        library = MeshLibrary(locations.assets_dir(), lod if lod is not None else _pick_lod(software))
    except (DataError, AssetError) as exc:
        return _fail(str(exc))
    window = create_main_window(catalog, library, animate=True, software_gl=software)
    window.show()
    body = window.controller.body
    # The first click should not wait for the skin graph: build it in the background, but only
    # once the first frame is on screen (a thread started earlier slows that frame down).
    _after_first_frame(window.plotter, body.start_warm_up)
    code = int(app.exec())
    body.stop_warm_up()
    return code


def _after_first_frame(widget, start, fallback_ms: int = 3000) -> None:
    """Call ``start()`` once: after ``widget`` swapped its first frame, or after ``fallback_ms``."""
    from PySide6.QtCore import QTimer

    started = False

    def once() -> None:
        nonlocal started
        if started:
            return
        started = True
        try:
            widget.frameSwapped.disconnect(once)
        except (RuntimeError, TypeError):  # already disconnected, or the widget is gone
            pass
        start()

    widget.frameSwapped.connect(once)
    QTimer.singleShot(fallback_ms, once)  # e.g. a window that is never exposed


def _pick_lod(software: bool) -> int | None:
    """LOD1 on software GL, LOD0 on a GPU - when both were built."""
    import json

    from viewer import locations

    try:
        manifest = json.loads((locations.assets_dir() / "manifest.json").read_text(encoding="utf-8"))
        available = {int(k) for k in manifest.get("lods", {})}
    except (OSError, ValueError):
        return None  # MeshLibrary reports the problem with the file name
    wanted = 1 if software else 0
    return wanted if wanted in available else None
