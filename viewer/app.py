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


def _import_before_qt(validating: bool) -> None:
    """Import the heavy layers below Qt before PySide6 (start-up time and safety).

    Once PySide6 is imported, its import hook (shiboken's ``__feature__`` support) reads the
    source of every module imported after it to see whether it uses PySide6: with pyvista,
    VTK, matplotlib (pulled in by pyvista) and pydantic that was 0.3-0.4 s of CPU [measured].
    That hook also asks each new module for ``__wrapped__``, which a half-imported pydantic
    module answers by importing another half-imported one: the start failed with an
    ImportError (a CI run). So the validators (``validating``: the catalog cache missed) are
    imported here, before PySide6, and never after it.
    """
    import pyvista.plotting  # noqa: F401

    if validating:
        import viewer.datafiles.load  # noqa: F401

    import viewer.controller.body  # noqa: F401
    import viewer.datafiles.cache  # noqa: F401
    import viewer.domain.painfinder  # noqa: F401
    import viewer.domain.search  # noqa: F401
    import viewer.export.png  # noqa: F401
    import viewer.geometry.frame  # noqa: F401
    import viewer.scene.body_scene  # noqa: F401


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
    from viewer.scene.theme import RenderOptions

    body = Body(catalog, library)
    body.place_markers_in_background()  # while the Qt modules load and the actors are built
    from viewer.qt.main_window import MainWindow

    options = RenderOptions(multi_samples=0, fxaa=False) if software_gl else RenderOptions(multi_samples=4)
    return MainWindow(Controller(catalog, body), options=options, animate=animate)


def _fail(message: str) -> int:
    print(f"trigger-atlas: {message}", file=sys.stderr)
    return 2


def run(argv: list[str] | None = None, *, lod: int | None = None) -> int:
    """Start the GUI; returns the exit code."""
    from viewer import locations
    from viewer.datafiles.cache import is_cached

    _import_before_qt(validating=not is_cached(locations.data_dir()))
    _prepare_qt()
    from PySide6.QtGui import QSurfaceFormat
    from PySide6.QtWidgets import QApplication

    import viewer
    from viewer.datafiles import DataError
    from viewer.datafiles.cache import cached_catalog
    from viewer.geometry.meshes import AssetError

    QSurfaceFormat.setDefaultFormat(default_surface_format())
    app = QApplication.instance() or QApplication([sys.argv[0], *(argv or [])])
    app.setApplicationName(viewer.APP_NAME)
    app.setApplicationVersion(viewer.__version__)
    software = is_software_gl(gl_renderer())
    try:
        library = MeshLibrary(locations.assets_dir(), lod if lod is not None else _pick_lod(software))
        library.preload_in_background()  # the meshes load while the catalog is read
        catalog = cached_catalog(locations.data_dir())
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
    from viewer.qt.viewport import after_next_frame

    after_next_frame(widget, start, fallback_ms)


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
