"""The explanation panel: trigger point, muscle and article cards with working links."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QTextBrowser, QWidget

from viewer.controller import Controller
from viewer.qt import explain


class InfoPanel(QTextBrowser):
    """Shows what is selected; links call the controller (``tp:``, ``muscle:``, ``article:``).

    ``defer`` (optional) postpones the card after a selection change: the main window passes
    "after the 3D view's next frame", so a click shows its referral zone first and the card
    is laid out and painted right after, not in the same frame (click-to-overlay time).
    """

    def __init__(self, controller: Controller, parent: QWidget | None = None, *,
                 defer: Callable[[Callable[[], None]], None] | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.catalog = controller.catalog
        self._defer = defer
        self._pending = False
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
        self._refresh()

    def _on_selected_muscle_changed(self, *_: object) -> None:
        self._refresh()

    def _refresh(self) -> None:
        if self._defer is None:
            self._show_current()
        elif not self._pending:  # one card for the several fields a selection changes
            self._pending = True
            self._defer(self._show_pending)

    def _show_pending(self) -> None:
        self._pending = False
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
