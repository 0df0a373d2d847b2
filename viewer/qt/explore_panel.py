"""Marker filters and layer controls (skin, muscle layers, bones, isolate, show all, reset)."""

from __future__ import annotations

from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QPushButton, QRadioButton, QVBoxLayout, QWidget)

from viewer.controller import Controller
from viewer.qt.binding import signals_blocked
from viewer.state import SKIN_MODES

LAYER_LABELS = {"superficial": "Superficial muscles", "intermediate": "Intermediate muscles",
                "deep": "Deep muscles", "bone": "Bones"}


class ExplorePanel(QWidget):
    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        catalog = controller.catalog
        layout = QVBoxLayout(self)

        filters = QGroupBox("Trigger points shown")
        form = QFormLayout(filters)
        self.muscle_combo = QComboBox()
        self.muscle_combo.addItem("All muscles", None)
        for m in sorted(catalog.muscles, key=lambda m: m.name):
            if catalog.trigger_points_of(m.id):
                self.muscle_combo.addItem(m.name, m.id)
        self.region_combo = QComboBox()
        self.region_combo.addItem("Any region", None)
        for r in sorted(catalog.regions, key=lambda r: r.name):
            self.region_combo.addItem(r.name, r.id)
        form.addRow("Muscle", self.muscle_combo)
        form.addRow("Refers to", self.region_combo)
        self.muscle_combo.currentIndexChanged.connect(self._filter_changed)
        self.region_combo.currentIndexChanged.connect(self._filter_changed)
        layout.addWidget(filters)

        layers = QGroupBox("Layers")
        box = QVBoxLayout(layers)
        skin_row = QHBoxLayout()
        self.skin_group = QButtonGroup(self)
        self.skin_buttons: dict[str, QRadioButton] = {}
        for mode in SKIN_MODES:
            button = QRadioButton(f"Skin {mode}" if mode == "opaque" else mode.title())
            self.skin_group.addButton(button)
            self.skin_buttons[mode] = button
            skin_row.addWidget(button)
            button.toggled.connect(lambda on, m=mode: on and controller.set_skin(m))
        box.addLayout(skin_row)
        self.layer_boxes: dict[str, QCheckBox] = {}
        for layer, label in LAYER_LABELS.items():
            check = QCheckBox(label)
            check.toggled.connect(lambda on, name=layer: controller.set_layer_visible(name, on))
            self.layer_boxes[layer] = check
            box.addWidget(check)
        buttons = QHBoxLayout()
        for text, slot in (("Isolate muscle", controller.isolate_muscle), ("Show all", controller.show_all),
                           ("Reset", controller.reset_layers)):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, s=slot: s())
            buttons.addWidget(button)
        box.addLayout(buttons)
        layout.addWidget(layers)
        layout.addStretch(1)

        ev = controller.state.events
        for name in ("skin", "visible_layers", "isolated_muscle", "marker_filter"):
            getattr(ev, name).connect(self._on_state_changed)
        self._on_state_changed()

    def _filter_changed(self, *_: object) -> None:
        self.controller.filter_markers(muscle=self.muscle_combo.currentData(),
                                       region=self.region_combo.currentData())

    def _on_state_changed(self, *_: object) -> None:
        state = self.controller.state
        widgets = [self.muscle_combo, self.region_combo, *self.skin_buttons.values(), *self.layer_boxes.values()]
        with signals_blocked(*widgets):
            self.skin_buttons[state.skin].setChecked(True)
            for layer, check in self.layer_boxes.items():
                check.setChecked(layer in state.visible_layers)
            flt = state.marker_filter
            self.muscle_combo.setCurrentIndex(max(0, self.muscle_combo.findData(flt.muscle)))
            self.region_combo.setCurrentIndex(max(0, self.region_combo.findData(flt.region)))
