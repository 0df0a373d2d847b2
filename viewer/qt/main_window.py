"""The main window: 3D view in the centre, explanation on the right, explore and pain finder
on the left, menus with shortcuts for everything. No domain logic lives here."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QCursor, QIcon, QKeySequence
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QMainWindow, QMessageBox, QTabWidget, QToolTip,
                               QWidget)

import viewer
from viewer.controller import Controller
from viewer.export.png import write_png
from viewer.qt.explore_panel import ExplorePanel
from viewer.qt.info_panel import InfoPanel
from viewer.qt.pain_panel import PainPanel
from viewer.qt.search_dialog import SearchDialog
from viewer.qt.viewport import CameraAnimator, after_next_frame, make_interactor
from viewer.scene import theme
from viewer.scene.body_scene import BodyScene
from viewer.scene.picking import display_position
from viewer.state import Selection

ICON = Path(viewer.__file__).resolve().parent / "resources" / "icon.png"
ABOUT = f"""<h3>{viewer.APP_NAME} {viewer.__version__}</h3>
<p>A 3D atlas of myofascial trigger points, their referred pain and dry-needling safety.</p>
<p><b>Educational material, not a diagnostic tool.</b> It does not replace an examination by
a qualified clinician. Dry needling must only be performed by trained, licensed practitioners.</p>
<p>Open source under the MIT licence. The 3D anatomy is generated procedurally from published
measurements; the texts are our own and cite their sources.</p>"""


class MainWindow(QMainWindow):
    """Composed by :func:`viewer.app.create_main_window`."""

    def __init__(self, controller: Controller, *, options: theme.RenderOptions, animate: bool = True) -> None:
        super().__init__()
        self.controller = controller
        self.catalog = controller.catalog
        self.setWindowTitle(f"{viewer.APP_NAME} - educational, not diagnostic")
        if ICON.exists():
            self.setWindowIcon(QIcon(str(ICON)))
        self.resize(1400, 900)
        self.plotter = make_interactor(self, options.multi_samples)
        self.setCentralWidget(self.plotter)
        self.animator = CameraAnimator(self.plotter, duration_ms=450 if animate else 0)
        self.scene = BodyScene(self.plotter, self.catalog, controller.body, controller.state, options=options,
                               request_render=self.plotter.interactor.update, move_camera=self.animator.move)
        if options.fxaa:
            self.plotter.enable_anti_aliasing("fxaa")
        self.scene.install_picker(controller.handle_pick, on_hover=self._on_hover, on_stroke=controller.handle_pick)
        self.scene.install_zoom_to_cursor()
        after_next_frame(self.plotter, self.scene.picker.index_parts, 1000)  # not before the first frame
        # The card follows the 3D view's frame: a click shows its referral zone first.
        self.info = InfoPanel(controller, defer=lambda call: after_next_frame(self.plotter, call))
        self.explore = ExplorePanel(controller)
        self.pain = PainPanel(controller)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.explore, "Explore")
        self.tabs.addTab(self.pain, "Pain finder")
        self._dock("Find and show", self.tabs, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock("Explanation", self.info, Qt.DockWidgetArea.RightDockWidgetArea)
        self.search = SearchDialog(controller, self)
        self.actions_by_name: dict[str, QAction] = {}
        self._build_menus()
        controller.state.events.status.connect(self._on_status_changed)
        controller.state.events.mode.connect(self._on_mode_changed)
        problems = controller.body.problems
        self.statusBar().showMessage(problems[0] if problems else
                                     "Click an X to see its referred pain. Drag to turn, scroll to zoom.")

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    # --- menus --------------------------------------------------------------------------------
    def _action(self, menu, name: str, text: str, slot, shortcut=None, checkable: bool = False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        menu.addAction(action)
        self.actions_by_name[name] = action
        return action

    def _build_menus(self) -> None:
        c = self.controller
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "screenshot", "Save &screenshot...", self.save_screenshot_dialog, QKeySequence.StandardKey.Save)
        file.addSeparator()
        self._action(file, "quit", "&Quit", self.close, QKeySequence.StandardKey.Quit)
        edit = bar.addMenu("&Edit")
        self._action(edit, "find", "&Find...", self.search.start, QKeySequence.StandardKey.Find)
        self._action(edit, "clear_selection", "Clear selection", c.clear_selection, "Esc")
        self._action(edit, "other_side", "Show the other side", self._other_side, "O")
        view = bar.addMenu("&View")
        for i, name in enumerate(("front", "back", "left", "right"), start=1):
            self._action(view, f"view_{name}", f"{name.title()} view", lambda _=False, n=name: c.show_view(n), str(i))
        self._action(view, "frame", "&Frame selection", c.frame_selection, "F")
        self._action(view, "reset_view", "&Reset view", c.reset_view, "Home")
        view.addSeparator()
        self._action(view, "skin", "Cycle skin: opaque / translucent / hidden", c.cycle_skin, "S")
        for key, layer in (("Ctrl+1", "superficial"), ("Ctrl+2", "intermediate"), ("Ctrl+3", "deep"),
                           ("Ctrl+4", "bone")):
            self._action(view, f"layer_{layer}", f"Toggle {layer} {'layer' if layer != 'bone' else 's'}".replace(
                "bone s", "bones"), lambda _=False, n=layer: c.set_layer_visible(n, n not in c.state.visible_layers),
                key)
        self._action(view, "isolate", "&Isolate selected muscle", lambda: c.isolate_muscle(), "I")
        self._action(view, "show_all", "Show &all", c.show_all, "Ctrl+Shift+A")
        self._action(view, "reset", "Reset everything", c.reset, "Ctrl+R")
        tools = bar.addMenu("&Pain finder")
        self._action(tools, "paint", "&Paint pain on the body", self._toggle_paint, "P", checkable=True)
        self._action(tools, "erase", "&Eraser", lambda on: c.set_erasing(on), "E", checkable=True)
        self._action(tools, "bigger", "Bigger brush", lambda: c.set_brush_radius(c.state.brush_radius_m + 0.01), "]")
        self._action(tools, "smaller", "Smaller brush", lambda: c.set_brush_radius(c.state.brush_radius_m - 0.01), "[")
        self._action(tools, "clear_pain", "Clear the drawing", c.clear_pain, "Ctrl+Backspace")
        self._action(tools, "first_candidate", "Select the best candidate", lambda: c.select_candidate(0), "Ctrl+Return")
        help_menu = bar.addMenu("&Help")
        for article in self.catalog.articles:
            self._action(help_menu, f"article_{article.id}", article.title,
                         lambda _=False, a=article.id: self.info.show_article(a))
        if self.catalog.articles:
            help_menu.addSeparator()
        self._action(help_menu, "about", f"&About {viewer.APP_NAME}", self.show_about, QKeySequence.StandardKey.HelpContents)

    def _toggle_paint(self, on: bool) -> None:
        self.controller.set_mode("paint" if on else "explore")
        if on:
            self.tabs.setCurrentWidget(self.pain)

    def _other_side(self) -> None:
        sel = self.controller.state.selection
        if sel is not None:
            self.controller.select_side("left" if sel.side == "right" else "right")

    # --- state subscribers ---------------------------------------------------------------------
    def _on_status_changed(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()

    def _on_mode_changed(self, mode: str) -> None:
        self.actions_by_name["paint"].setChecked(mode == "paint")
        self.plotter.setCursor(Qt.CursorShape.CrossCursor if mode == "paint" else Qt.CursorShape.ArrowCursor)
        if mode == "paint":
            self.statusBar().showMessage("Painting: left-drag paints, right-drag turns the body, E erases, P stops.")

    def _on_hover(self, text: str | None) -> None:
        if text:
            QToolTip.showText(QCursor.pos(), text, self.plotter)
        else:
            QToolTip.hideText()

    # --- for tests and the benchmark ------------------------------------------------------
    def widget_position(self, point) -> QPoint:
        """Where a world point appears in the 3D widget (Qt logical pixels, y down).

        Click a marker through the real picking path with
        ``qtbot.mouseClick(window.plotter, Qt.LeftButton, pos=window.marker_position(sel))``.
        """
        self.plotter.render()  # the camera may have moved since the last paint
        xy, _ = display_position(self.plotter.renderer, point)
        dpr = self.plotter.devicePixelRatioF()
        height = self.plotter.ren_win.GetSize()[1]
        return QPoint(round(xy[0, 0] / dpr), round((height - xy[0, 1]) / dpr))

    def marker_position(self, selection: Selection) -> QPoint:
        return self.widget_position(self.scene.markers.position(selection))

    # --- commands ----------------------------------------------------------------------------
    def show_about(self) -> None:
        QMessageBox.about(self, f"About {viewer.APP_NAME}", ABOUT)

    def save_screenshot(self, path: Path | str) -> Path:
        """Write the 3D view as PNG (what is on screen, at the view's size)."""
        image = self.plotter.screenshot(return_img=True)
        return write_png(path, image[:, :, :3].copy())

    def save_screenshot_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save screenshot", "trigger-point-atlas.png", "PNG image (*.png)")
        if path:
            try:
                self.save_screenshot(path)
                self.statusBar().showMessage(f"Saved {path}")
            except OSError as exc:
                QMessageBox.warning(self, "Screenshot", f"Could not write {path}: {exc.strerror}")

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        """Detach from the state and close the plotter before Qt destroys the children."""
        self.scene.disconnect()
        self.plotter.close()
        super().closeEvent(event)
