"""The main window's menu bar: the menus shown while the workspace opens, then all their actions."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from ui.actions import make_action
from ui.window.shell import Placeholder

if TYPE_CHECKING:
    from ui.window.main_window import MainWindow

MENU_TITLES = ("&File", "&Edit", "&Article", "E&ntities", "E&vents", "&View", "&Help")


def panel_actions(panel: QWidget) -> list[QAction]:
    """The actions a panel offers for the menus (none from a placeholder)."""
    actions = getattr(panel, "actions", None)
    return list(actions()) if callable(actions) and not isinstance(panel, Placeholder) else []


def make_shell_menus(window: MainWindow) -> None:
    """The menu bar as it looks while the workspace opens: the menus, Quit only."""
    bar = window.menuBar()
    window.menus = [bar.addMenu(title) for title in MENU_TITLES]
    window.quit_action = make_action(window, "&Quit", "Ctrl+Q", window.close)
    window.menus[0].addAction(window.quit_action)
    for menu in window.menus[1:]:
        menu.setEnabled(False)


def build_menus(window: MainWindow) -> None:
    """Fill the shell's menus with every action once the panels and jobs exist (attach)."""
    file_menu, edit_menu, article_menu, entities_menu, events_menu, view_menu, help_menu = window.menus
    for menu in window.menus:
        menu.setEnabled(True)
    jobs = window.jobs
    file_menu.insertActions(window.quit_action, [
        make_action(window, "&Import files…", "Ctrl+I", jobs.ask_import_files,
                    "Import articles (text, HTML, CSV, JSONL, Excel); you can also drop files on the window"),
        make_action(window, "Import &folder…", "Ctrl+Shift+I", jobs.ask_import_folder),
        make_action(window, "&Export dataset…", "Ctrl+Shift+X", jobs.ask_export,
                    "Export events to Excel, CSV or JSON lines")])
    file_menu.insertSeparator(window.quit_action)

    _build_edit_menu(window, edit_menu)

    article_menu.addAction(window.list_panel.next_uncoded_action)
    article_menu.addSeparator()
    article_menu.addActions(window.status_actions.actions())
    article_menu.addSeparator()
    article_menu.addAction(make_action(window, "Suggest highlights for articles without them", "",
                                       lambda: window.jobs.start_suggest(None)))

    entities_menu.addActions(panel_actions(window.reader))
    events_menu.addActions(panel_actions(window.event_panel))

    view_menu.addAction(make_action(window, "Focus the article list", "Ctrl+1", lambda: window.focus_panel(0)))
    view_menu.addAction(make_action(window, "Focus the reader", "Ctrl+2", lambda: window.focus_panel(1)))
    view_menu.addAction(make_action(window, "Focus the event form", "Ctrl+3", lambda: window.focus_panel(2)))
    view_menu.addSeparator()
    view_menu.addAction(make_action(window, "Larger text", ["Ctrl++", "Ctrl+="],
                                    lambda: window.change_font_size(+1)))
    view_menu.addAction(make_action(window, "Smaller text", "Ctrl+-", lambda: window.change_font_size(-1)))
    view_menu.addAction(make_action(window, "Normal text size", "Ctrl+0",
                                    lambda: window.apply_font_size(11, save=True)))

    help_menu.addAction(make_action(window, "Keyboard &cheat sheet", "F1", window.show_cheatsheet))
    help_menu.addAction(make_action(window, "&About Chronicler", "", window.show_about))


def _build_edit_menu(window: MainWindow, edit_menu: QMenu) -> None:
    undo_stack = window.undo_stack
    window.undo_action = undo_stack.createUndoAction(window, "&Undo")
    window.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
    window.redo_action = undo_stack.createRedoAction(window, "&Redo")
    window.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])

    def flush_then(step: Any) -> None:
        window.flush_edits()
        step()

    # Text still being typed is saved first, so undo takes back what the coder just typed.
    window.undo_action.triggered.disconnect()
    window.undo_action.triggered.connect(lambda: flush_then(undo_stack.undo))
    window.redo_action.triggered.disconnect()
    window.redo_action.triggered.connect(lambda: flush_then(undo_stack.redo))
    edit_menu.addActions([window.undo_action, window.redo_action])
    edit_menu.addSeparator()
    edit_menu.addActions(window.list_panel.actions()[1:])
    edit_menu.addSeparator()
    edit_menu.addAction(make_action(window, "Coder &name…", "", window.change_coder_name))
    edit_menu.addAction(make_action(window, "Suggestion &model…", "", window.change_model))


__all__ = ["MENU_TITLES", "build_menus", "make_action", "make_shell_menus", "panel_actions"]
