"""The one way to make a QAction: text, shortcuts, where the shortcut works, tips and slot."""
from __future__ import annotations

from typing import Any, Callable, Optional, Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

# Qt.ShortcutContext is not imported here: building PySide6's Qt namespace costs ~20 ms of the
# window's cold start (the shell's Quit action is made before the window shows).


def make_action(parent: QObject, text: str, keys: str | Sequence[str] = "", slot: Optional[Callable[[], Any]] = None,
                tip: str = "", context: Any = None) -> QAction:
    """An action with its shortcuts (one key string or several), the status tip, a tooltip that
    names the keys ("Add an event (Ctrl+Shift+E)"), its slot and, when given, where its
    shortcut works (a Qt.ShortcutContext; Qt's default is the whole window)."""
    action = QAction(text, parent)
    sequences = [QKeySequence(k) for k in ([keys] if isinstance(keys, str) else keys) if k]
    if sequences:
        action.setShortcuts(sequences)
    if context is not None:
        action.setShortcutContext(context)
    if tip:
        action.setStatusTip(tip)
    shown = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences)
    described = tip or text.replace("&", "")
    action.setToolTip(f"{described} ({shown})" if shown else described)
    if slot is not None:
        action.triggered.connect(slot)
    return action


__all__ = ["make_action"]
