"""The 3D view (VTK's native window on X11, else a ``QtInteractor``) set up for software GL,
and animated camera moves."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QAbstractAnimation, QCoreApplication, QEasingCurve, Qt, QTimer, QVariantAnimation
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from viewer.scene import cameras
from viewer.scene.cameras import CameraPose

if TYPE_CHECKING:
    from pyvistaqt import QtInteractor


VIEW_ENV = "TRIGGER_ATLAS_VIEW"  # "native" or "fbo": override the choice of view widget


def view_kind() -> str:
    """``"native"`` (VTK draws its own X11 window) on the xcb platform, else ``"fbo"``
    (pyvistaqt's QOpenGLWidget, composed by Qt); ``TRIGGER_ATLAS_VIEW`` overrides it."""
    wanted = os.environ.get(VIEW_ENV, "").strip().lower()
    if wanted in ("native", "fbo"):
        return wanted
    return "native" if QGuiApplication.platformName() == "xcb" else "fbo"


def make_interactor(parent: QWidget, multi_samples: int, kind: str | None = None):
    """The 3D view (see :func:`view_kind`). No idle render timer (165 % CPU otherwise) and
    pyvista's own key bindings removed (``q`` would close the view, ``f`` runs a blocking
    fly-to); the menus own the keys."""
    if (kind or view_kind()) == "native":
        from viewer.qt.native_view import NativeInteractor

        # Only the view gets a native window, not its siblings (the panels stay raster).
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontCreateNativeWidgetSiblings)
        plotter = NativeInteractor(parent, multi_samples=multi_samples)
    else:
        from viewer.qt.fbo_view import AtlasInteractor  # pyvistaqt: imported only when used

        plotter = AtlasInteractor(parent, auto_update=False, multi_samples=multi_samples)
    for key in list(getattr(plotter, "_key_press_event_callbacks", {})):
        plotter.clear_events_for_key(key)
    # VTK's interactor style also reacts to letters (w: wireframe, 3: stereo, e: exit...).
    plotter.iren.interactor.AddObserver("CharEvent", _swallow, 10.0)
    coalesce_interactor_renders(plotter)
    return plotter


def coalesce_interactor_renders(plotter) -> None:
    """Turn the interactor's synchronous renders into one coalesced repaint.

    The interactor style renders synchronously on every rotation step and again when a button
    is released (``StopState``); in a ``QOpenGLWidget`` each such render also schedules a paint
    that renders once more, so a click that selected something cost two full frames. With the
    interactor's own rendering switched off, ``vtkRenderWindowInteractor::Render`` still emits
    ``RenderEvent``: outside a paint it becomes ``update()`` (Qt merges all requests of one event
    loop pass into one paint); inside the paint it renders the window for real.
    """
    iren = plotter.iren.interactor
    window = plotter.ren_win

    def on_render(*_: object) -> None:
        if getattr(plotter, "_in_paint", False):
            window.Render()
            return
        try:
            plotter.update()
        except RuntimeError:  # the widget is already gone (window closing)
            pass

    iren.EnableRenderOff()
    iren.AddObserver("RenderEvent", on_render)


def after_next_frame(widget, call: Callable[[], None], fallback_ms: int = 100) -> None:
    """Call ``call()`` once: after ``widget`` swapped its next frame, or after ``fallback_ms``
    (a hidden or minimised window paints nothing)."""
    done = False

    def once() -> None:
        nonlocal done
        if done:
            return
        done = True
        try:
            widget.frameSwapped.disconnect(once)
        except (RuntimeError, TypeError):  # already disconnected, or the widget is gone
            pass
        call()

    widget.frameSwapped.connect(once)
    QTimer.singleShot(fallback_ms, widget, once)  # with the widget as context: dropped if it is deleted


def _swallow(obj, _event) -> None:
    obj.SetKeyCode("\0")


class CameraAnimator:
    """Glide the camera between two poses without blocking the event loop.

    One paint per animation frame (``interactor.update()``); a new move replaces the
    running one. With ``duration_ms=0`` it jumps (tests, reduced motion).
    """

    def __init__(self, plotter: QtInteractor, duration_ms: int = 450) -> None:
        self.plotter = plotter
        self.duration_ms = duration_ms
        self.animation: QVariantAnimation | None = None
        self.frames = 0

    def move(self, start: CameraPose, end: CameraPose) -> None:
        if self.animation is not None:
            self.animation.stop()
            self.animation = None
        if self.duration_ms <= 0:
            self._show(end)
            return
        anim = QVariantAnimation(self.plotter, startValue=0.0, endValue=1.0, duration=self.duration_ms)
        anim.setEasingCurve(QEasingCurve.Type.InOutCubic)
        anim.valueChanged.connect(lambda t: self._show(start.lerp(end, float(t))))
        anim.finished.connect(self._on_finished)
        self.animation = anim
        anim.start(QAbstractAnimation.DeletionPolicy.KeepWhenStopped)

    def _on_finished(self) -> None:
        self.animation = None

    @property
    def running(self) -> bool:
        return self.animation is not None

    def _show(self, pose: CameraPose) -> None:
        self.frames += 1
        cameras.apply(self.plotter.camera, pose)
        self.plotter.renderer.ResetCameraClippingRange()
        self.plotter.interactor.update()
