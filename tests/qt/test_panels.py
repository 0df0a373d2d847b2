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
    assert "Beta TrP1" in first and "(right)" in first and "Essential zone covers" in first
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
