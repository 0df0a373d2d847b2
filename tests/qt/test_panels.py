"""The panels as plain widgets (no 3D view): they follow the state and call the controller."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl

from viewer.qt.explore_panel import ExplorePanel
from viewer.qt.info_panel import InfoPanel
from viewer.qt.pain_panel import SIDE_COLUMNS, PainPanel
from viewer.state import Selection


def test_info_panel_follows_the_selection_and_its_links_select(qtbot, controller):
    panel = InfoPanel(controller)
    qtbot.addWidget(panel)
    assert "Click an" in panel.toPlainText()
    controller.select_trigger_point("alpha_tp2", "right")
    text = panel.toPlainText()
    assert "Alpha TrP2" in text and "Lung / pleura" in text
    # the hazard warning comes before the referral and the needling card
    assert text.index("keep the needle in a pincer grip") < text.index("Referred pain") < text.index("Dry needling")
    panel.anchorClicked.emit(QUrl("tp:alpha_tp2:left"))
    assert controller.state.selection == Selection("alpha_tp2", "left")
    panel.anchorClicked.emit(QUrl("muscle:alpha"))
    assert controller.state.selection is None and controller.state.selected_muscle == "alpha"
    assert "Alpha muscle" in panel.toPlainText() and "Alpha TrP1" in panel.toPlainText()


def test_info_panel_with_defer_lays_out_one_card_when_told(qtbot, controller):
    pending = []
    panel = InfoPanel(controller, defer=pending.append)
    qtbot.addWidget(panel)
    controller.select_trigger_point("alpha_tp2", "right")  # selection and muscle both change
    assert "Click an" in panel.toPlainText() and len(pending) == 1
    pending.pop()()
    assert "Alpha TrP2" in panel.toPlainText()
    controller.clear_selection()
    assert len(pending) == 1 and "Alpha TrP2" in panel.toPlainText()
    pending.pop()()
    assert "Click an" in panel.toPlainText()


def test_explore_panel_reflects_and_drives_layers_and_filters(qtbot, controller):
    panel = ExplorePanel(controller)
    qtbot.addWidget(panel)
    panel.layer_boxes["deep"].setChecked(False)
    assert "deep" not in controller.state.visible_layers
    panel.skin_buttons["hidden"].setChecked(True)
    assert controller.state.skin == "hidden"
    controller.reset_layers()  # the state changes elsewhere: the widgets follow
    assert panel.layer_boxes["deep"].isChecked() and panel.skin_buttons["opaque"].isChecked()
    panel.region_combo.setCurrentIndex(panel.region_combo.findData("temple"))
    assert controller.state.marker_filter.region == "temple"
    controller.filter_markers(muscle="beta")
    assert panel.muscle_combo.currentData() == "beta" and panel.region_combo.currentData() is None


def test_pain_panel_ticks_regions_and_lists_ranked_candidates(qtbot, controller):
    panel = PainPanel(controller)
    qtbot.addWidget(panel)
    assert not panel.candidates.item(0).flags() & Qt.ItemFlag.ItemIsEnabled
    items = panel.tree.findItems("Front of the chest", Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    right = next(c for c, side in SIDE_COLUMNS.items() if side == "right")
    items[0].setCheckState(right, Qt.CheckState.Checked)
    assert controller.ticked_regions() == {("chest_anterior", "right"): True}
    first = panel.candidates.item(0).text()
    assert first.startswith("1. Beta muscle \u2013 TrP1 (right)") and "Essential zone covers" in first
    panel.candidates.itemClicked.emit(panel.candidates.item(0))
    assert controller.state.selection == Selection("beta_tp1", "right")
    controller.clear_pain()
    assert items[0].checkState(right) == Qt.CheckState.Unchecked
    panel.paint_button.setChecked(True)
    assert controller.state.mode == "paint"
    panel.radius.setValue(5)
    assert controller.state.brush_radius_m == 0.05 and panel.radius_label.text() == "5 cm"


def test_regions_can_be_ticked_from_the_keyboard(qtbot, controller):
    panel = PainPanel(controller)
    qtbot.addWidget(panel)
    item = panel.tree.findItems("Temple", Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)[0]
    panel.tree.setCurrentItem(item)
    qtbot.keyClick(panel.tree, Qt.Key.Key_B)
    assert controller.ticked_regions() == {("temple", "left"): True, ("temple", "right"): True}
    qtbot.keyClick(panel.tree, Qt.Key.Key_L)
    assert controller.ticked_regions()[("temple", "left")] is False
    assert {c.side for c in controller.state.candidates} == {"right"}


def _tick(panel, name: str, side: str) -> None:
    item = panel.tree.findItems(name, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)[0]
    column = next(c for c, s in SIDE_COLUMNS.items() if s == side)
    item.setCheckState(column, Qt.CheckState.Checked)


def test_candidates_are_a_ranked_two_line_list_driven_by_the_keyboard(qtbot, controller):
    from viewer.qt.candidate_list import RANK, REASON, SCORE, SIDE, TITLE

    panel = PainPanel(controller)
    qtbot.addWidget(panel)
    panel.resize(360, 700)
    panel.show()
    _tick(panel, "Front of the chest", "right")
    _tick(panel, "Temple", "right")
    candidates = controller.state.candidates
    listing = panel.candidates
    assert listing.count() == len(candidates) >= 2
    for row, cand in enumerate(candidates):
        item = listing.item(row)
        assert item.data(RANK) == row + 1 and item.data(SIDE) == cand.side
        assert item.data(SCORE) == cand.score and item.data(REASON) == cand.reason
        assert item.data(TITLE).endswith(" \u2013 " + item.data(TITLE).split(" \u2013 ")[1])
    # two text lines: the row is taller than one line of the title font
    hint = listing.itemDelegate().sizeHint(_option(listing), listing.model().index(0, 0))
    assert hint.height() > 2 * listing.fontMetrics().height()
    assert listing.currentRow() == 0
    listing.setFocus()
    qtbot.keyClick(listing, Qt.Key.Key_Down)
    assert listing.currentRow() == 1
    qtbot.keyClick(listing, Qt.Key.Key_Return)
    second = candidates[1]
    assert controller.state.selection == Selection(second.trigger_point, second.side)


def _option(widget):
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    option.initFrom(widget)
    option.rect.setWidth(widget.viewport().width())
    return option


def test_short_trigger_point_names_drop_only_a_repeated_muscle_name():
    from viewer.qt.candidate_list import short_tp_name

    assert short_tp_name("Biceps brachii", "Biceps TrP1 (long head)") == "TrP1 (long head)"
    assert short_tp_name("Adductor longus and brevis", "Adductor brevis TrP") == "Adductor brevis TrP"
    assert short_tp_name("Upper trapezius", "Upper trapezius TrP2") == "TrP2"
    assert short_tp_name("Levator scapulae", "Levator scapulae upper TrP") == "Upper TrP"


def test_a_selection_lays_the_card_out_once(qtbot, controller, monkeypatch):
    panel = InfoPanel(controller)
    qtbot.addWidget(panel)
    calls = []
    original = InfoPanel.setHtml
    monkeypatch.setattr(InfoPanel, "setHtml", lambda self, html: (calls.append(html), original(self, html)))
    controller.select_trigger_point("alpha_tp2", "right")
    assert len(calls) == 1 and "Alpha TrP2" in calls[0]
    controller.select_trigger_point("alpha_tp2", "right")  # the same again: nothing to redo
    assert len(calls) == 1
