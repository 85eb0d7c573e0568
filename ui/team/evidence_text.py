"""The article text for adjudication: read-only, both coders' evidence spans in two colours,
the current field's emphasised and scrolled to."""
from __future__ import annotations

from typing import Optional, Sequence

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from ui.offsets import OffsetMap, display_text

# Coder A blue, coder B orange (told apart without red/green); the current field's spans darker.
SIDE_COLOURS = {"a": (QColor("#d6e4fb"), QColor("#8fb3f0")), "b": (QColor("#fde3c8"), QColor("#f4b06a"))}


class EvidenceText(QPlainTextEdit):
    """Spans are given in code points (storage's offsets); Qt positions stay inside."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidenceText")
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._map = OffsetMap.build("")
        # (side, start, end, current) of the spans drawn, in code points: tests read them.
        self.marked: list[tuple[str, int, int, bool]] = []

    def set_article(self, text: str) -> None:
        self._map = OffsetMap.build(text)
        self.setPlainText(display_text(text))
        self.marked = []
        self.setExtraSelections([])

    def show_evidence(self, spans: Sequence[tuple[str, int, int, bool]]) -> None:
        """(side "a" or "b", start, end, is of the current field) for every evidence span;
        the current field's first span is scrolled into view."""
        selections = []
        self.marked = [s for s in spans if s[1] < s[2] <= self._map.length]
        focus: Optional[QTextCursor] = None
        # Plain spans first, the current field's on top.
        for side, start, end, current in sorted(self.marked, key=lambda s: s[3]):
            a, b = self._map.range_to_qt(start, end)
            cursor = QTextCursor(self.document())
            cursor.setPosition(a)
            cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(SIDE_COLOURS[side][1 if current else 0])
            if current:
                fmt.setFontUnderline(True)
                fmt.setProperty(QTextFormat.Property.FontWeight, 700)
                focus = focus or QTextCursor(cursor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor, selection.format = cursor, fmt  # type: ignore[attr-defined]
            selections.append(selection)
        self.setExtraSelections(selections)
        if focus is not None:
            shown = QTextCursor(focus)
            shown.setPosition(focus.selectionStart())
            self.setTextCursor(shown)
            self.centerCursor()


__all__ = ["EvidenceText", "SIDE_COLOURS"]
