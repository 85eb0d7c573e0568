"""Picking a span label: the numbered popup menu (digits 1..9 choose at once) and the
"other label" prompt, shared by relabelling and adding spans in the reader."""
from __future__ import annotations

from typing import Optional, Sequence

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction, QIcon, QPixmap
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from ui.reader.legend import human_name, label_color


def swatch(label: str, size: int = 12) -> QIcon:
    """A small square of the label's colour, for menu entries."""
    pixmap = QPixmap(size, size)
    pixmap.fill(label_color(label))
    return QIcon(pixmap)


def ask_new_label(parent: QWidget) -> Optional[str]:
    """A label the workspace has not used yet, typed by the coder (upper case, no spaces)."""
    text, ok = QInputDialog.getText(parent, "New label", "Label (e.g. WEAPON, MILITIA):")
    label = "_".join(text.strip().upper().split())
    return label if ok and label else None


def exec_paused(menu: QMenu, where: QPoint, shortcuts: Sequence[QAction]) -> Optional[QAction]:
    """Run a popup with the given shortcuts switched off. While a popup is open Qt still
    matches the shortcuts of the widget that has focus, so the reader's 1..9 or A would act
    on the article instead of picking a menu entry."""
    enabled = [a for a in shortcuts if a.isEnabled()]
    for action in enabled:
        action.setEnabled(False)
    try:
        return menu.exec(where)
    finally:
        for action in enabled:
            action.setEnabled(True)
        menu.deleteLater()


def choose_label(parent: QWidget, title: str, labels: Sequence[str], current: Optional[str],
                 where: QPoint, shortcuts: Sequence[QAction] = ()) -> Optional[str]:
    """A popup of the labels (the first nine numbered) at `where` (global); None if dismissed."""
    menu = QMenu(parent)
    header = menu.addAction(title)
    header.setEnabled(False)
    chosen: dict[QAction, str] = {}
    for i, label in enumerate(labels, start=1):
        prefix = f"&{i}  " if i <= 9 else "     "
        action = menu.addAction(swatch(label), prefix + human_name(label).replace("&", "&&"))
        if label == current:
            font = action.font()
            font.setBold(True)
            action.setFont(font)
        chosen[action] = label
    other = menu.addAction("&Other label...")
    picked = exec_paused(menu, where, shortcuts)
    if picked is other:
        return ask_new_label(parent)
    return chosen.get(picked) if picked is not None else None


__all__ = ["ask_new_label", "choose_label", "exec_paused", "swatch"]
