"""The main window's menus filled with all their actions once the workspace has opened (the
menus shown before it, Quit only, are ui.window.shell's; re-exported here)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMenu, QWidget

from ui.actions import make_action
from ui.window.shell import MENU_TITLES, ShellMenus, make_shell_menus

# Imported by MainWindow.attach(), after the first paint: dataclasses' import and the code it
# generates for MenuParts are not on the way to it.


@dataclass
class MenuParts:
    """What the full menus offer: the parts' own actions and the window's slots."""

    jobs: Any  # ui.jobs.controller.JobController
    list_actions: list[QAction]  # next uncoded first, then the list's filter actions
    status_actions: list[QAction]
    reader_actions: list[QAction]
    event_actions: list[QAction]
    undo_stack: QUndoStack
    flush_edits: Callable[[], None]
    focus_panel: Callable[[int], None]
    change_font_size: Callable[[int], None]
    reset_font_size: Callable[[], None]
    show_cheatsheet: Callable[[], None]
    show_about: Callable[[], None]
    change_coder_name: Callable[[], None]
    change_model: Callable[[], None]
    open_workspace: Callable[[], None]
    change_codebook: Callable[[], None]
    show_agreement: Callable[[], None]
    show_adjudication: Callable[[], None]
    merge_workspaces: Callable[[], None]
    team_actions: list[QAction]  # ui.window.team: assignments, blind mode


def window_action(owner: QWidget, *args: Any) -> QAction:
    """A window-wide action, also added to the window itself: its keys work even where the menu
    bar is not shown (a native or hidden menu bar, the offscreen platform)."""
    action = make_action(owner, *args)
    owner.addAction(action)
    return action


def build_menus(shell: ShellMenus, owner: QWidget, parts: MenuParts) -> tuple[QAction, QAction]:
    """Fill the shell's menus with every action once the panels and jobs exist; returns the
    undo and redo actions."""
    file_menu, edit_menu, article_menu, entities_menu, events_menu, view_menu, team_menu, help_menu = shell.menus
    for menu in shell.menus:
        menu.setEnabled(True)
    jobs = parts.jobs
    file_menu.insertActions(shell.quit_action, [
        window_action(owner, "&Open workspace…", "Ctrl+O", parts.open_workspace,
                      "Another workspace file, or a team's server database (postgresql://…), in a new window"),
        window_action(owner, "&Import files…", "Ctrl+I", jobs.ask_import_files,
                    "Import articles (text, HTML, CSV, JSONL, Excel); you can also drop files on the window"),
        window_action(owner, "Import &folder…", "Ctrl+Shift+I", jobs.ask_import_folder),
        window_action(owner, "&Export dataset…", "Ctrl+Shift+X", jobs.ask_export,
                    "Export events to Excel, CSV or JSON lines"),
        window_action(owner, "&Merge workspaces…", "", parts.merge_workspaces,
                      "Bring in the work of coders who coded offline, each in their own workspace")])
    file_menu.insertSeparator(shell.quit_action)

    undo_action, redo_action = _build_edit_menu(owner, edit_menu, parts)

    article_menu.addAction(parts.list_actions[0])
    article_menu.addSeparator()
    article_menu.addActions(parts.status_actions)
    owner.addActions([*parts.list_actions, *parts.status_actions])  # window-wide keys (see window_action)
    article_menu.addSeparator()
    article_menu.addAction(window_action(owner, "Suggest highlights for articles without them", "",
                                       lambda: jobs.start_suggest(None)))
    article_menu.addAction(window_action(owner, "Train the suggestion model from this workspace", "", jobs.start_train,
                                         "Teach spaCy's NER the highlights coders accepted and added here; "
                                         "new suggestions then use it (scores before and after in the summary)"))

    entities_menu.addActions(parts.reader_actions)
    events_menu.addActions(parts.event_actions)

    view_menu.addAction(window_action(owner, "Focus the article list", "Ctrl+1", lambda: parts.focus_panel(0)))
    view_menu.addAction(window_action(owner, "Focus the reader", "Ctrl+2", lambda: parts.focus_panel(1)))
    view_menu.addAction(window_action(owner, "Focus the event form", "Ctrl+3", lambda: parts.focus_panel(2)))
    view_menu.addSeparator()
    view_menu.addAction(window_action(owner, "Larger text", ["Ctrl++", "Ctrl+="], lambda: parts.change_font_size(+1)))
    view_menu.addAction(window_action(owner, "Smaller text", "Ctrl+-", lambda: parts.change_font_size(-1)))
    view_menu.addAction(window_action(owner, "Normal text size", "Ctrl+0", parts.reset_font_size))

    team_menu.addActions(parts.team_actions)
    owner.addActions(parts.team_actions)
    team_menu.addSeparator()
    team_menu.addActions([
        window_action(owner, "Agreement &report…", "", parts.show_agreement,
                      "How far the coders agree: events found by both, Krippendorff's alpha per field"),
        window_action(owner, "&Adjudicate article…", "", parts.show_adjudication,
                      "Two coders' versions side by side: take a side per field, save the gold event")])

    help_menu.addAction(window_action(owner, "Keyboard &cheat sheet", "F1", parts.show_cheatsheet))
    help_menu.addAction(window_action(owner, "&About Chronicler", "", parts.show_about))
    return undo_action, redo_action


def _build_edit_menu(owner: QWidget, edit_menu: QMenu, parts: MenuParts) -> tuple[QAction, QAction]:
    undo_stack = parts.undo_stack
    undo_action = undo_stack.createUndoAction(owner, "&Undo")
    undo_action.setShortcut(QKeySequence("Ctrl+Z"))
    redo_action = undo_stack.createRedoAction(owner, "&Redo")
    redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])

    def flush_then(step: Callable[[], None]) -> None:
        parts.flush_edits()
        step()

    # Text still being typed is saved first, so undo takes back what the coder just typed.
    undo_action.triggered.disconnect()
    undo_action.triggered.connect(lambda: flush_then(undo_stack.undo))
    redo_action.triggered.disconnect()
    redo_action.triggered.connect(lambda: flush_then(undo_stack.redo))
    owner.addActions([undo_action, redo_action])
    edit_menu.addActions([undo_action, redo_action])
    edit_menu.addSeparator()
    edit_menu.addActions(parts.list_actions[1:])
    edit_menu.addSeparator()
    edit_menu.addAction(window_action(owner, "Coder &name…", "", parts.change_coder_name))
    edit_menu.addAction(window_action(owner, "Suggestion &model…", "", parts.change_model))
    edit_menu.addAction(window_action(owner, "Code&book…", "", parts.change_codebook,
                                    "The codebook new events use, for the workspace or a batch of articles"))
    return undo_action, redo_action


__all__ = ["MENU_TITLES", "MenuParts", "ShellMenus", "build_menus", "make_shell_menus"]
