"""The banner over a very large article shown a window at a time: which part is on screen, and
the buttons (Alt+PgUp / Alt+PgDown) that move the window."""
from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget


class WindowBar(QWidget):
    """Hidden for an ordinary article. `moveRequested(step)`: -1 the part before, +1 after."""

    moveRequested = Signal(int)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("largeArticleBar")
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 6, 4)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.earlier = QPushButton("\u25c0 Earlier", self)
        self.later = QPushButton("Later \u25b6", self)
        for button, step, keys in ((self.earlier, -1, "Alt+PgUp"), (self.later, 1, "Alt+PgDown")):
            button.setShortcut(keys)
            button.setToolTip(f"Show the {'previous' if step < 0 else 'next'} part of the article ({keys})")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, s=step: self.moveRequested.emit(s))
        row.addWidget(self.label, 1)
        row.addWidget(self.earlier)
        row.addWidget(self.later)
        self.setStyleSheet("#largeArticleBar { background: #fff4ce; border: 1px solid #e0c36a; border-radius: 3px; }")
        self.hide()

    def show_window(self, window: Any) -> None:
        """`window` (storage.article_window.TextWindow) or None for an ordinary article."""
        if window is None:
            self.hide()
            return
        self.label.setText(f"A very large article ({window.total:,} characters): showing {window.start + 1:,}"
                           f"\u2013{window.end:,}. Highlights and events are shown, not edited, in this view.")
        self.earlier.setEnabled(window.start > 0)
        self.later.setEnabled(window.end < window.total)
        self.show()

    def show_opening(self, chars: int) -> None:
        self.label.setText(f"Opening a very large article ({chars:,} characters)\u2026")
        self.earlier.setEnabled(False)
        self.later.setEnabled(False)
        self.show()


__all__ = ["WindowBar"]
