"""The one way the window's parts make a QAction: text, shortcuts, tip, slot and where the keys work."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:  # the window's shell is built before PySide6's costly `Qt` namespace is needed
    from PySide6.QtCore import Qt


def make_action(parent: QObject, text: str, keys: str | list[str] = "", slot: Any = None, tip: str = "",
                context: Optional[Qt.ShortcutContext] = None, tip_keys: bool = False) -> QAction:
    """An action with its shortcuts (one key string or several), status tip and slot.
    `context`: where the keys work (Qt's default: the window); `tip_keys`: the tooltip names
    the first shortcut, for buttons that show the action."""
    action = QAction(text, parent)
    sequences = [QKeySequence(k) for k in ([keys] if isinstance(keys, str) else keys) if k]
    action.setShortcuts(sequences)
    if context is not None:
        action.setShortcutContext(context)
    if tip:
        action.setStatusTip(tip)
        keys_text = sequences[0].toString(QKeySequence.SequenceFormat.NativeText) if sequences and tip_keys else ""
        action.setToolTip(f"{tip} ({keys_text})" if keys_text else tip)
    if slot is not None:
        action.triggered.connect(slot)
    return action


__all__ = ["make_action"]
