"""ui.actions.make_action: the one QAction factory every panel and menu uses."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence


def test_an_action_has_its_keys_tips_context_and_slot(qapp) -> None:  # type: ignore[no-untyped-def]
    from ui.actions import make_action

    owner = QObject()
    hits: list[bool] = []
    action = make_action(owner, "Add &event", ["Ctrl+Shift+E", "Ctrl+E"], lambda: hits.append(True),
                         "Add an event to this article", Qt.ShortcutContext.WidgetWithChildrenShortcut)
    assert action.parent() is owner
    assert action.shortcuts() == [QKeySequence("Ctrl+Shift+E"), QKeySequence("Ctrl+E")]
    assert action.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut
    assert action.statusTip() == "Add an event to this article"
    assert action.toolTip().startswith("Add an event to this article (") and "E" in action.toolTip()
    action.trigger()
    assert hits == [True]

    plain = make_action(owner, "&Quit")
    assert plain.shortcuts() == [] and plain.toolTip() == "Quit"
    assert plain.shortcutContext() == Qt.ShortcutContext.WindowShortcut  # Qt's default
