"""The 3D view as a native X11 window: VTK draws and swaps it itself, Qt composes nothing.

pyvistaqt 0.13's ``QtInteractor`` is a ``QOpenGLWidget``: VTK renders into its own
framebuffer, the widget copies that into Qt's, and Qt then composes the whole main window
(panels included) with OpenGL and swaps it. On software GL (llvmpipe) that composition cost
about a quarter of every frame on top of VTK's render (measured at 1280x800: app frame 60 ms,
VTK render alone 43 ms, bare pyvista window 46 ms). VTK's own ``QVTKRenderWindowInteractor``
(a plain ``QWidget`` with a native window) lets VTK's X11 render window draw straight into
the widget's window, exactly as a bare pyvista window does.

It is only used on the ``xcb`` platform (X11, including XWayland when Qt runs on xcb), where
VTK's X11 render window works; elsewhere (Wayland, Windows, macOS) the app keeps pyvistaqt's
widget (see :func:`viewer.qt.viewport.make_interactor`). ``NativeInteractor`` offers what the
app uses of ``QtInteractor``: the pyvista plotter API, ``interactor``, ``ren_win``, ``iren``,
``frameSwapped`` and ``close()``.
"""

from __future__ import annotations

import pyvista as pv
from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from pyvista.plotting import BasePlotter
from pyvista.plotting.render_window_interactor import RenderWindowInteractor
from vtkmodules.qt.QVTKRenderWindowInteractor import QVTKRenderWindowInteractor as _NativeWidget
from vtkmodules.vtkRenderingOpenGL2 import vtkXOpenGLRenderWindow


def _render_window_on_qt_display() -> vtkXOpenGLRenderWindow:
    """VTK's X11 render window, talking to the X server through Qt's own connection.

    Made directly, not through ``vtkRenderWindow()``: that factory probes the X server with a
    connection it never closes, and VTK would open another for the window. When the X server
    goes away before the process (Xvfb stopped at the end of a test run), Xlib's I/O error
    handler then ends the process with exit code 1 [measured].
    """
    window = vtkXOpenGLRenderWindow()
    native = QGuiApplication.instance().nativeInterface() if QGuiApplication.instance() else None
    display = getattr(native, "display", None)
    pointer = display() if callable(display) else 0
    if pointer:
        window.SetDisplayId(f"_{int(pointer):016x}_p_void")  # VTK's spelling of a void*
    return window


class NativeInteractor(_NativeWidget, BasePlotter):
    """A pyvista plotter living in VTK's native-window Qt widget."""

    frameSwapped = Signal()  # emitted after each paint: VTK has rendered and swapped the window

    def __init__(self, parent=None, *, multi_samples: int = 0, **kwargs) -> None:
        # VTK's widget does not call super().__init__, so BasePlotter is initialised here.
        _NativeWidget.__init__(self, parent, rw=_render_window_on_qt_display())
        BasePlotter.__init__(self, **kwargs)
        self.interactor = self  # pyvistaqt's name for the widget
        self._in_paint = False
        self.ren_win = self.GetRenderWindow()
        self.ren_win.SetMultiSamples(multi_samples)
        for renderer in self.renderers:
            renderer.view_isometric()
            self.ren_win.AddRenderer(renderer)
        self.background_color = pv.global_theme.background
        self._off_screen = False
        self.iren = RenderWindowInteractor(self, interactor=self.ren_win.GetInteractor())
        self.iren.interactor.RemoveObservers("MouseMoveEvent")  # pyvista's, as QtInteractor does
        self.iren.initialize()
        self.enable_trackball_style()
        self._observers = {}
        self.iren.add_observer("KeyPressEvent", self.key_press_event)
        self.reset_key_events()
        self._first_time = False  # BasePlotter: this plotter renders through its window

    def _getPixelRatio(self) -> float:  # noqa: N802 (VTK's name)
        """This widget's own ratio (VTK's picks the screen under the mouse cursor)."""
        return float(self.devicePixelRatioF())

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        self._in_paint = True
        try:
            self._Iren.Render()
        finally:
            self._in_paint = False
        self.frameSwapped.emit()

    def render(self) -> None:
        """Render now (tests, screenshots); the app asks for frames with ``update()``."""
        if getattr(self, "_closed", False):
            return
        self._rendered = True
        BasePlotter.render(self)

    def close(self) -> None:  # the plotter's close; returns None like QtInteractor.close
        if getattr(self, "_closed", True):  # closed already, or its set-up failed
            return
        BasePlotter.close(self)
        _NativeWidget.close(self)
