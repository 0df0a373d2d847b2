"""The explanation panel: trigger point, muscle and article cards with working links."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QTextBrowser, QWidget

from viewer.controller import Controller
from viewer.qt import explain


class InfoPanel(QTextBrowser):
    """Shows what is selected; links call the controller (``tp:``, ``muscle:``, ``article:``)."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.catalog = controller.catalog
        self.setOpenLinks(False)
        self.setMinimumWidth(340)
        self.anchorClicked.connect(self._on_link)
        self._html = ""
        state = controller.state
        state.events.selection.connect(self._on_selection_changed)
        state.events.selected_muscle.connect(self._on_selected_muscle_changed)
        self._show_current()

    def _show_current(self) -> None:
        state = self.controller.state
        if state.selection is not None:
            self._set_html(explain.trigger_point_html(self.catalog, state.selection.tp, state.selection.side))
        elif state.selected_muscle is not None:
            self._set_html(explain.muscle_html(self.catalog, state.selected_muscle))
        else:
            self._set_html(explain.welcome_html(self.catalog))

    def _set_html(self, html: str) -> None:
        # A selection changes two fields (muscle, trigger point); lay the card out once.
        if html != self._html:
            self._html = html
            self.setHtml(html)

    def _on_selection_changed(self, *_: object) -> None:
        self._show_current()

    def _on_selected_muscle_changed(self, *_: object) -> None:
        self._show_current()

    def show_article(self, article_id: str) -> None:
        back = "<p><a href='back:'>&larr; Back</a></p>"
        self._set_html(back + explain.article_html(self.catalog, article_id))

    def _on_link(self, url: QUrl) -> None:
        scheme, _, rest = url.toString().partition(":")
        if scheme == "tp":
            tp_id, _, side = rest.partition(":")
            self.controller.select_trigger_point(tp_id, side or None)
        elif scheme == "muscle":
            self.controller.select_muscle(rest)
        elif scheme == "article" and rest in {a.id for a in self.catalog.articles}:
            self.show_article(rest)
        elif scheme == "back":
            self._show_current()
