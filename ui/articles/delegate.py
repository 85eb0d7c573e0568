"""Paints an article list row as a two-line card: the title, then date · source · status · events.
A narrow list panel keeps the whole title readable instead of five squeezed columns."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from storage.models import ArticleStatus
from ui.articles.model import DATE, EVENTS, SOURCE, STATUS, STATUS_COLOURS, StatusRole

PAD_X, PAD_Y, GAP = 10, 6, 2
MUTED = QColor("#4f5965")


def card_height(font: QFont) -> int:
    fm = QFontMetrics(font)
    return 2 * fm.height() + GAP + 2 * PAD_Y


class ArticleCardDelegate(QStyledItemDelegate):
    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._colours = {k: QColor(v) for k, v in STATUS_COLOURS.items()}

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(200, card_height(option.font))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        title = str(index.data() or "")
        status = index.data(StatusRole) or ""
        parts = [str(index.siblingAtColumn(c).data() or "") for c in (DATE, SOURCE)]
        status_text = str(index.siblingAtColumn(STATUS).data() or "")
        events = str(index.siblingAtColumn(EVENTS).data() or "")

        painter.save()
        rect = opt.rect.adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y)
        title_font = QFont(opt.font)
        title_font.setBold(status == ArticleStatus.NEW.value)  # unread stands out, as in a mail client
        fm_title = QFontMetrics(title_font)
        fg = opt.palette.highlightedText().color() if selected else opt.palette.text().color()
        painter.setFont(title_font)
        painter.setPen(fg)
        line1 = QRect(rect.left(), rect.top(), rect.width(), fm_title.height())
        painter.drawText(line1, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         fm_title.elidedText(title, Qt.TextElideMode.ElideRight, rect.width()))

        plain = QFont(opt.font)
        plain.setBold(False)  # opt.font is the title's (bold when new); the details line stays plain
        painter.setFont(plain)
        fm = QFontMetrics(plain)
        line2 = QRect(rect.left(), line1.bottom() + GAP, rect.width(), fm.height())
        right = ""
        if events:
            right = f"{events} event{'s' if events != '1' else ''}"
        right_w = fm.horizontalAdvance(right) + (8 if right else 0)
        status_w = fm.horizontalAdvance(status_text)
        meta = "  ·  ".join(p for p in parts if p)
        meta_room = max(0, rect.width() - status_w - right_w - fm.horizontalAdvance("  ·  "))
        meta = fm.elidedText(meta, Qt.TextElideMode.ElideRight, meta_room)
        painter.setPen(fg if selected else MUTED)
        painter.drawText(line2, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, meta)
        x = line2.left() + fm.horizontalAdvance(meta)
        if meta:
            sep = "  ·  "
            painter.drawText(QRect(x, line2.top(), fm.horizontalAdvance(sep), line2.height()),
                             Qt.AlignmentFlag.AlignVCenter, sep)
            x += fm.horizontalAdvance(sep)
        painter.setPen(fg if selected else self._colours.get(status, MUTED))
        painter.drawText(QRect(x, line2.top(), status_w + 2, line2.height()), Qt.AlignmentFlag.AlignVCenter,
                         status_text)
        if right:
            painter.setPen(fg if selected else MUTED)
            painter.drawText(line2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, right)
        painter.restore()


__all__ = ["ArticleCardDelegate", "card_height"]
