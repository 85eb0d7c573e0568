"""The window's shell: the list | reader | event panel splitter, shown before the workspace opens."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenuBar, QSplitter, QVBoxLayout, QWidget

from ui.actions import make_action

if TYPE_CHECKING:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMenu

# Cold start: the shell is built before the workspace opens, so nothing at import time may pull
# in storage or PySide6's `Qt` namespace (see ui.window.main_window).
log = logging.getLogger(__name__)
MIN_WIDTHS = (280, 420, 480)  # list, reader, event panel
MENU_TITLES = ("&File", "&Edit", "&Article", "E&ntities", "E&vents", "&View", "&Team", "&Help")


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


class ShellMenus:
    """The menus (in MENU_TITLES order) and Quit, there before the workspace opens; filled by
    ui.window.menus.build_menus when it has."""

    def __init__(self, menus: list[QMenu], quit_action: QAction) -> None:
        self.menus, self.quit_action = menus, quit_action


def make_shell_menus(bar: QMenuBar, owner: QWidget, quit_slot: Callable[[], Any]) -> ShellMenus:
    """The menu bar as it looks while the workspace opens: the menus, Quit only."""
    menus = [bar.addMenu(title) for title in MENU_TITLES]
    quit_action = make_action(owner, "&Quit", "Ctrl+Q", quit_slot)
    menus[0].addAction(quit_action)
    for menu in menus[1:]:
        menu.setEnabled(False)
    return ShellMenus(menus, quit_action)


def put_panels(splitter: QSplitter, panels: tuple[QWidget, QWidget, QWidget]) -> None:
    """The real panels in place of the shells, keeping the coder's splitter sizes."""
    sizes = splitter.sizes()
    for i, (widget, min_width) in enumerate(zip(panels, MIN_WIDTHS)):
        widget.setMinimumWidth(min_width)
        old = splitter.replaceWidget(i, widget)
        if old is not None:
            old.deleteLater()
    splitter.setSizes(sizes)


__all__ = ["MENU_TITLES", "MIN_WIDTHS", "Opening", "ShellMenus", "build_splitter", "load_codebook",
           "make_shell_menus", "put_panels"]
