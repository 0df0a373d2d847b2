"""The pain finder's ranked answer: one two-line row per candidate, keyboard navigable.

Row: rank, "muscle - trigger point" and side, the score on the right; below it, in smaller
grey text, why it was ranked (which painted areas its zones cover). Arrows move, Enter or a
click selects (the owner connects ``itemActivated`` / ``itemClicked``).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from viewer.domain.model import Catalog
from viewer.domain.painfinder import Candidate

TITLE, SIDE, SCORE, REASON, RANK = (Qt.ItemDataRole.UserRole + i for i in range(5))
PAD = 6


def short_tp_name(muscle_name: str, tp_name: str) -> str:
    """``Biceps TrP1 (long head)`` under ``Biceps brachii`` -> ``TrP1 (long head)``.

    The muscle's words are dropped from the front when the name repeats the whole muscle name
    or when what is left starts with "TrP"; so "Adductor brevis TrP" under "Adductor longus
    and brevis" stays whole (it names one head of the pair).
    """
    tp_words, muscle_words = tp_name.split(), muscle_name.lower().split()
    common = 0
    while common < min(len(tp_words), len(muscle_words)) and tp_words[common].lower() == muscle_words[common]:
        common += 1
    rest = " ".join(tp_words[common:])
    if rest and common and (common == len(muscle_words) or rest.lower().startswith("trp")):
        return rest[0].upper() + rest[1:]
    return tp_name


def candidate_title(catalog: Catalog, cand: Candidate) -> str:
    tp = catalog.trigger_point(cand.trigger_point)
    muscle = catalog.muscle(tp.muscle).name if catalog.has_muscle(tp.muscle) else tp.muscle
    return f"{muscle} \u2013 {short_tp_name(muscle, tp.name)}"


class CandidateDelegate(QStyledItemDelegate):
    """Paints a candidate row: bold title line, small reason line, score on the right."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.88))
        return title, small

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt name)
        title, small = self._fonts(option)
        width = max(120, option.rect.width() - 2 * PAD) if option.rect.width() > 0 else 260
        reason_h = QFontMetrics(small).boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap,
                                                     index.data(REASON) or "").height()
        return QSize(width, self._title_rect(title, width, index).height() + reason_h + 3 * PAD)

    @staticmethod
    def _score_width(title: QFont) -> int:
        return QFontMetrics(title).horizontalAdvance("000") + PAD

    def _title_rect(self, title: QFont, width: int, index) -> QRect:
        """The wrapped title's box (left of the score), from the row's top left corner."""
        return QFontMetrics(title).boundingRect(QRect(0, 0, width - self._score_width(title) - PAD, 10_000),
                                                Qt.TextFlag.TextWordWrap, self._head(index))

    @staticmethod
    def _head(index) -> str:
        return f"{index.data(RANK)}.  {index.data(TITLE)}  ({index.data(SIDE)})"

    def paint(self, painter, option, index) -> None:
        if index.data(TITLE) is None:  # the "nothing painted yet" hint row
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        text = option.text
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        option.text = text
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        fg = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        dim = fg if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        title_font, small_font = self._fonts(option)
        r = option.rect.adjusted(PAD, PAD, -PAD, -PAD)
        line_h = QFontMetrics(title_font).height()
        painter.save()
        painter.setFont(title_font)
        painter.setPen(fg)
        score = f"{index.data(SCORE):.0f}"
        score_w = self._score_width(title_font)
        painter.drawText(QRect(r.right() - score_w, r.top(), score_w, line_h),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, score)
        head_h = self._title_rect(title_font, r.width(), index).height()
        painter.drawText(QRect(r.left(), r.top(), r.width() - score_w - PAD, head_h),
                         Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft, self._head(index))
        painter.setFont(small_font)
        painter.setPen(dim)
        painter.drawText(QRect(r.left(), r.top() + head_h + PAD // 2, r.width(), r.height() - head_h),
                         Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft, index.data(REASON) or "")
        painter.restore()


class CandidateList(QListWidget):
    """The ranked candidates; ``row(i)`` is the controller's candidate ``i``."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setItemDelegate(CandidateDelegate(self))
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setAccessibleName("Likely trigger points, best first")

    def set_candidates(self, catalog: Catalog, candidates: tuple[Candidate, ...], empty_text: str) -> None:
        self.clear()
        for rank, cand in enumerate(candidates, start=1):
            title = candidate_title(catalog, cand)
            side = cand.side or "both sides"
            item = QListWidgetItem(f"{rank}. {title} ({side}) - score {cand.score:.0f}\n{cand.reason}")
            for role, value in ((TITLE, title), (SIDE, side), (SCORE, float(cand.score)), (REASON, cand.reason),
                                (RANK, rank)):
                item.setData(role, value)
            item.setToolTip(f"Score {cand.score:.0f} of 100. {cand.reason}")
            self.addItem(item)
        if candidates:
            self.setCurrentRow(0)
        else:
            hint = QListWidgetItem(empty_text)
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addItem(hint)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()  # row heights depend on the width (wrapped reasons)
