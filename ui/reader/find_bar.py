""""/" in the reader: type a few letters of the text and Enter goes to the highlight there, so a
coder reaches a highlight far down in two keys instead of walking to it with J."""
from __future__ import annotations

from typing import Optional, Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from storage.models import EntitySpan


def find_highlight(text: str, spans: Sequence[EntitySpan], query: str, after: int = 0) -> Optional[EntitySpan]:
    """The highlight at (or just after) the next place the text says `query` (case and spacing
    ignored), searching from code point `after` and wrapping round; None when the text does
    not say it or no highlight follows."""
    words = query.casefold().split()
    if not words or not spans:
        return None
    folded = text.casefold()
    needle = " ".join(words)
    hits = [i for i in _occurrences(folded, needle)]
    if not hits:
        return None
    ordered = [h for h in hits if h >= after] + [h for h in hits if h < after]
    for hit in ordered:
        span = next((s for s in spans if s.end > hit), None)
        if span is not None and span.start < hit + len(needle) + 40:  # at the words, not far beyond
            return span
    return None


def _occurrences(haystack: str, needle: str) -> list[int]:
    found, i = [], haystack.find(needle)
    while i >= 0:
        found.append(i)
        i = haystack.find(needle, i + 1)
    return found


class _FindLine(QLineEdit):
    """Return and Enter belong to the box (the reader's own Return uses a highlight)."""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return True
        return super().event(event)


class FindBar(QWidget):
    """A one-line box under the text; Enter finds, Esc closes and gives focus back."""

    findRequested = Signal(str)
    closed = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerFind")
        self.line = _FindLine(self)
        self.line.setPlaceholderText("go to the highlight at these words (Enter), Esc to close")
        self.result = QLabel(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("/", self))
        row.addWidget(self.line, 1)
        row.addWidget(self.result)
        self.line.returnPressed.connect(lambda: self.findRequested.emit(self.line.text()))
        self.hide()

    def open(self) -> None:
        self.result.clear()
        self.show()
        self.line.selectAll()
        self.line.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def say(self, message: str) -> None:
        self.result.setText(message)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            self.closed.emit()
            return
        super().keyPressEvent(event)


__all__ = ["FindBar", "find_highlight"]
