"""Ctrl+F search: type, move with the arrow keys, Enter opens, Esc closes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from viewer.controller import Controller

KIND_LABELS = {"muscle": "Muscle", "trigger_point": "Trigger point", "region": "Region", "symptom": "Symptom"}


class SearchDialog(QDialog):
    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Search")
        self.resize(520, 420)
        layout = QVBoxLayout(self)
        self.field = QLineEdit()
        self.field.setPlaceholderText("Muscle, trigger point, symptom or region (typos are fine)")
        self.results = QListWidget()
        layout.addWidget(self.field)
        layout.addWidget(self.results)
        self.hits: list = []
        self.field.textChanged.connect(self._on_text_changed)
        self.field.returnPressed.connect(self.open_current)
        self.results.itemActivated.connect(lambda _item: self.open_current())
        self.field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        """Up/Down in the text field move through the results."""
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.count():
                step = 1 if key == Qt.Key.Key_Down else -1
                row = min(max(self.results.currentRow() + step, 0), self.results.count() - 1)
                self.results.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)

    def _on_text_changed(self, text: str) -> None:
        self.hits = self.controller.search(text)
        self.results.clear()
        for hit in self.hits:
            kind = KIND_LABELS.get(hit.kind, hit.kind)
            extra = f" - {hit.matched}" if hit.matched and hit.matched.lower() != hit.label.lower() else ""
            self.results.addItem(QListWidgetItem(f"{hit.label}   [{kind}]{extra}"))
        if self.hits:
            self.results.setCurrentRow(0)

    def open_current(self) -> None:
        row = self.results.currentRow()
        if 0 <= row < len(self.hits):
            self.controller.open_search_hit(self.hits[row])
            self.accept()

    def start(self) -> None:
        """Show, focus and select the previous query."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.field.setFocus()
        self.field.selectAll()
