"""The window's shell: the list | reader | event panel splitter, shown before the workspace opens."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

# Cold start: the shell is built before the workspace opens, so nothing at import time may pull
# in storage or PySide6's `Qt` namespace (see ui.window.main_window).
log = logging.getLogger(__name__)
MIN_WIDTHS = (280, 420, 480)  # list, reader, event panel


def load_codebook(name: str, repo: Any) -> Any:
    """The coder's codebook (by name, then the default); None (logged) when none loads.
    Plain Python: the background opener calls it too."""
    try:
        from coding.codebook import default_codebook, find_codebook

        return find_codebook(name, None, repo) or default_codebook()
    except Exception:
        log.exception("codebook could not be loaded")
        return None


class Opening(QWidget):
    """A panel's place while the workspace opens: a quiet line of text, centred by stretches."""

    def __init__(self, text: str) -> None:
        super().__init__()
        label = QLabel(text, self)
        label.setObjectName("placeholder")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(label)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.addStretch(1)
        column.addLayout(row)
        column.addStretch(1)


def build_splitter(parent: QWidget) -> QSplitter:
    """The list | reader | event panel splitter, holding "Opening workspace…" shells for now."""
    splitter = QSplitter(parent=parent)  # horizontal; positional would make PySide6 load Qt (overloads)
    splitter.setObjectName("mainSplitter")
    splitter.setChildrenCollapsible(False)
    # Fixed minimum widths: the splitter then keeps the coder's sizes when the event form
    # appears or goes (its size hint changes with the article).
    for i, min_width in enumerate(MIN_WIDTHS):
        shell = Opening("Opening workspace…" if i == 1 else "")
        shell.setMinimumWidth(min_width)
        splitter.addWidget(shell)
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 5)
    splitter.setStretchFactor(2, 4)
    return splitter


def put_panels(splitter: QSplitter, panels: tuple[QWidget, QWidget, QWidget]) -> None:
    """The real panels in place of the shells, keeping the coder's splitter sizes."""
    sizes = splitter.sizes()
    for i, (widget, min_width) in enumerate(zip(panels, MIN_WIDTHS)):
        widget.setMinimumWidth(min_width)
        old = splitter.replaceWidget(i, widget)
        if old is not None:
            old.deleteLater()
    splitter.setSizes(sizes)


__all__ = ["MIN_WIDTHS", "Opening", "build_splitter", "load_codebook", "put_panels"]
