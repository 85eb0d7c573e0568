"""Building the main window: the shell shown while the workspace opens, then its panels on attach."""
from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

# Cold start: the shell is built from here before the workspace opens, so nothing at import time
# may pull in storage or PySide6's `Qt` namespace (see ui.main_window); the panels, jobs and the
# sync come in attach_workspace().
if TYPE_CHECKING:
    from storage.repository import Repository
    from ui.main_window import MainWindow

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


def panel_class(module: str, name: str) -> Any:
    """A panel class from another module, or None while it is missing or broken (logged)."""
    try:
        return getattr(importlib.import_module(module), name)
    except Exception:  # the window must open even when one panel cannot
        log.exception("panel %s.%s unavailable", module, name)
        return None


class Placeholder(QLabel):
    """A panel's place when its module cannot be loaded: the reason, centred."""

    def __init__(self, text: str) -> None:
        from PySide6.QtCore import Qt

        super().__init__(text)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setObjectName("placeholder")
        self.setWordWrap(True)


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


def build_splitter(window: MainWindow) -> QSplitter:
    """The list | reader | event panel splitter, holding "Opening workspace…" shells for now."""
    splitter = QSplitter(parent=window)  # horizontal; positional would make PySide6 load Qt (overloads)
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


def make_panel(window: MainWindow, module: str, name: str, missing: str) -> QWidget:
    """The panel `module.name` on the window's workspace, or a Placeholder saying `missing`."""
    cls = panel_class(module, name)
    if cls is None:
        return Placeholder(missing)
    return cls(window.repo, window.undo_stack, window.signals, window.coder, window)


def attach_workspace(window: MainWindow, repo: Repository, codebook: Any, start_jobs: bool) -> None:
    """Build the panels, jobs, menus and sync on the open workspace in place of the shell.
    `codebook`: already loaded (by the background opener), else loaded here."""
    from PySide6.QtCore import Qt

    from ui.article_list import ArticleListPanel
    from ui.job_controller import JobController
    from ui.status_actions import StatusActions
    from ui.status_bar import StatusBar
    from ui.undo import WorkspaceSignals
    from ui.window_menus import build_menus
    from ui.window_sync import WindowSync

    QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, True)
    window.repo = repo
    window.update_title()
    window.signals = WorkspaceSignals(window)
    window.codebook = codebook if codebook is not None else load_codebook(window.settings.codebook_name, repo)

    window.list_panel = ArticleListPanel(repo, window)
    window.reader = make_panel(window, "ui.reader_panel", "ReaderPanel", "The reader could not be loaded.")
    window.event_panel = make_panel(window, "ui.event_panel", "EventPanel", "The event panel could not be loaded.")
    window.status = StatusBar(window)
    window.setStatusBar(window.status)
    window.jobs = JobController(window, repo, window.settings, window.signals, window.status,
                                window.current_article_id)
    window.jobs.suggest_after_import = start_jobs
    window.status_actions = StatusActions(repo, window.undo_stack, window.signals, window.current_article_id,
                                          window.list_panel.go_next_uncoded, window)

    splitter = window.splitter
    sizes = splitter.sizes()
    for i, (w, min_width) in enumerate(zip((window.list_panel, window.reader, window.event_panel), MIN_WIDTHS)):
        w.setMinimumWidth(min_width)
        old = splitter.replaceWidget(i, w)
        if old is not None:
            old.deleteLater()
    splitter.setSizes(sizes)  # the coder's layout, restored on the shell already
    window.setAcceptDrops(True)

    build_menus(window)
    window.sync = WindowSync(window)  # connects the panels, signals and jobs
    window.apply_panel_fonts(window.settings.font_size)
    window.update_counts()
    window.status_actions.set_enabled(False)
    from ui.change_poller import ChangePoller

    window.changes = ChangePoller(repo.target, window.sync.typing_unsaved, window.reload_from_workspace, window,
                                  engine=repo.engine)
    if start_jobs:
        # After the window shows: first article on screen, then suggestions for the rest.
        QTimer.singleShot(0, window.sync.after_show)


__all__ = ["MIN_WIDTHS", "Opening", "Placeholder", "attach_workspace", "build_splitter", "load_codebook",
           "make_panel", "panel_class"]
