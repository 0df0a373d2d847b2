"""The pain finder: paint (or tick) where it hurts, read the ranked trigger points."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QGroupBox, QHBoxLayout, QLabel, QListWidgetItem,
                               QPushButton, QSlider, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from viewer.controller import Controller
from viewer.qt.candidate_list import CandidateList
from viewer.qt.binding import signals_blocked

SIDE_COLUMNS = {1: "left", 2: "right"}
SIDE_KEYS = {Qt.Key.Key_L: (1,), Qt.Key.Key_R: (2,), Qt.Key.Key_B: (1, 2)}


class RegionTree(QTreeWidget):
    """Regions by group with a left and a right tick box; L, R and B toggle from the keyboard."""

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt name)
        item = self.currentItem()
        columns = SIDE_KEYS.get(event.key())
        if item is None or columns is None or not item.data(0, Qt.ItemDataRole.UserRole):
            super().keyPressEvent(event)
            return
        on = not all(item.checkState(c) == Qt.CheckState.Checked for c in columns)
        for column in columns:
            item.setCheckState(column, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


class PainPanel(QWidget):
    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        layout = QVBoxLayout(self)

        brush = QGroupBox("Paint where it hurts")
        box = QVBoxLayout(brush)
        self.paint_button = QPushButton("Paint on the body (P)")
        self.paint_button.setCheckable(True)
        self.paint_button.toggled.connect(lambda on: controller.set_mode("paint" if on else "explore"))
        box.addWidget(self.paint_button)
        self.hint = QLabel("Left-drag paints on the skin. Right-drag turns the body, the wheel zooms. "
                           "Paint every painful area, on the side where it hurts.")
        self.hint.setWordWrap(True)
        box.addWidget(self.hint)
        row = QHBoxLayout()
        row.addWidget(QLabel("Brush"))
        self.radius = QSlider(Qt.Orientation.Horizontal)
        self.radius.setRange(1, 10)  # centimetres
        self.radius.valueChanged.connect(lambda cm: controller.set_brush_radius(cm / 100.0))
        row.addWidget(self.radius)
        self.radius_label = QLabel()
        row.addWidget(self.radius_label)
        box.addLayout(row)
        row = QHBoxLayout()
        self.erase = QCheckBox("Eraser (E)")
        self.erase.toggled.connect(controller.set_erasing)
        row.addWidget(self.erase)
        clear = QPushButton("Clear drawing")
        clear.clicked.connect(lambda: controller.clear_pain())
        row.addWidget(clear)
        box.addLayout(row)
        layout.addWidget(brush)

        regions = QGroupBox("...or tick regions")
        rbox = QVBoxLayout(regions)
        self.tree = RegionTree()
        self.tree.setToolTip("Tick where it hurts; keys: L left, R right, B both sides")
        self.tree.setHeaderLabels(["Region", "Left", "Right"])
        self.tree.setRootIsDecorated(True)
        self._fill_regions()
        self.tree.itemChanged.connect(self._on_item_changed)
        rbox.addWidget(self.tree)
        layout.addWidget(regions, 2)

        results = QGroupBox("Likely trigger points")
        lbox = QVBoxLayout(results)
        self.candidates = CandidateList()
        self.candidates.itemActivated.connect(self._on_candidate)
        self.candidates.itemClicked.connect(self._on_candidate)
        lbox.addWidget(self.candidates)
        layout.addWidget(results, 3)

        ev = controller.state.events
        ev.mode.connect(self._on_state_changed)
        ev.brush_radius_m.connect(self._on_state_changed)
        ev.erasing.connect(self._on_state_changed)
        ev.candidates.connect(self._on_candidates_changed)
        ev.pain_revision.connect(self._on_pain_revision_changed)
        self._on_state_changed()
        self._on_candidates_changed()

    def _fill_regions(self) -> None:
        groups: dict[str, QTreeWidgetItem] = {}
        for region in self.controller.catalog.regions:
            parent = groups.get(region.group)
            if parent is None:
                parent = QTreeWidgetItem(self.tree, [region.group.replace("_", " ").title()])
                parent.setFlags(parent.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                groups[region.group] = parent
            item = QTreeWidgetItem(parent, [region.name])
            item.setData(0, Qt.ItemDataRole.UserRole, region.id)
            item.setToolTip(0, region.description)
            for column in SIDE_COLUMNS:
                item.setCheckState(column, Qt.CheckState.Unchecked)
        self.tree.resizeColumnToContents(0)

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        region = item.data(0, Qt.ItemDataRole.UserRole)
        if region and column in SIDE_COLUMNS:
            checked = item.checkState(column) == Qt.CheckState.Checked
            self.controller.tick_region(region, SIDE_COLUMNS[column], checked)

    def _on_candidate(self, item: QListWidgetItem) -> None:
        self.controller.select_candidate(self.candidates.row(item))

    def _on_state_changed(self, *_: object) -> None:
        state = self.controller.state
        with signals_blocked(self.paint_button, self.radius, self.erase):
            self.paint_button.setChecked(state.mode == "paint")
            self.radius.setValue(round(state.brush_radius_m * 100))
            self.erase.setChecked(state.erasing)
        self.radius_label.setText(f"{state.brush_radius_m * 100:.0f} cm")

    def _on_pain_revision_changed(self, *_: object) -> None:
        ticked = self.controller.ticked_regions()
        with signals_blocked(self.tree):
            for i in range(self.tree.topLevelItemCount()):
                group = self.tree.topLevelItem(i)
                for j in range(group.childCount()):
                    item = group.child(j)
                    region = item.data(0, Qt.ItemDataRole.UserRole)
                    for column, side in SIDE_COLUMNS.items():
                        on = ticked.get((region, side), False)
                        item.setCheckState(column, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                        if on:
                            group.setExpanded(True)

    def _on_candidates_changed(self, *_: object) -> None:
        self.candidates.set_candidates(self.controller.catalog, self.controller.state.candidates,
                                       "Paint or tick where it hurts to see candidates.")
