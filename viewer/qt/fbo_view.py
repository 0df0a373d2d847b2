"""The 3D view as pyvistaqt's ``QtInteractor`` (a ``QOpenGLWidget`` composed by Qt): used where
VTK cannot draw its own native window (Wayland, Windows, macOS) or when asked for with
``TRIGGER_ATLAS_VIEW=fbo``. Imported only then, so a start on X11 never loads pyvistaqt."""

from __future__ import annotations

from PySide6.QtCore import QRect
from pyvistaqt import QtInteractor

GL_LEQUAL = 0x0203


class AtlasInteractor(QtInteractor):
    """A ``QtInteractor`` whose paints render only when something asked for a new frame.

    pyvistaqt's ``paintGL`` always renders, because pyvista may change the scene without
    telling the widget. Here every change goes through ``update()`` (the scene's render
    requests, the camera animator, the interactor style's renders) or a resize, so a paint
    that Qt starts on its own - the window being shown or exposed right after the paint of its
    first resize - only shows the frame VTK already has. That saves one full render at
    start-up (Qt paints a ``QOpenGLWidget`` once for its resize and once more when shown).
    """

    def __init__(self, *args, **kwargs) -> None:
        self._stale = True  # before super(): pyvistaqt may request a paint while it sets up
        super().__init__(*args, **kwargs)

    def update(self, *args) -> None:  # noqa: D102 - QWidget.update, marking the frame stale
        self._stale = True
        super().update(*args)

    def initializeGL(self) -> None:  # noqa: N802 (Qt name)
        self._stale = True  # a new context: VTK's frame is gone
        super().initializeGL()

    def resizeGL(self, w: int, h: int) -> None:  # noqa: N802 (Qt name)
        self._stale = True
        super().resizeGL(w, h)

    def paintGL(self) -> None:  # noqa: N802 (Qt name)
        rw = self._RenderWindow
        if self._stale or rw is None or not rw.GetReadyForRendering() or self._in_paint:
            super().paintGL()
            self._stale = rw is None or not rw.GetReadyForRendering()
            return
        # Nothing changed since VTK's last frame: blit it again (what paintGL does after rendering).
        state = rw.GetState()
        state.Reset()
        state.Push()
        state.vtkglDepthFunc(GL_LEQUAL)
        self.makeCurrent()
        dpr = self.devicePixelRatioF()
        self._blit(self.defaultFramebufferObject(),
                   QRect(0, 0, max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr))))
        state.Pop()
