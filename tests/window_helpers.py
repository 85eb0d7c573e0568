"""What the main-window tests share: settings kept in a temp file, a small workspace, a window."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings

from storage.repository import ArticleIn, Repository
from ui.articles.model import STATUS
from ui.settings import Settings


def temp_settings(tmp_path: Path) -> Settings:
    """QSettings in a file of the test's own, never the user's."""
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def add_articles(repo: Repository, n: int, two_sources: bool = True) -> Repository:
    repo.add_articles([
        ArticleIn(text=f"Article body number {i}. Police clashed with protesters in Kyiv.",
                  title=f"Title {i}", source=("Wire" if i % 2 else "Daily") if two_sources else "Wire",
                  published=dt.date(2024, 1, 1) + dt.timedelta(days=i))
        for i in range(n)
    ])
    return repo


def open_window(qtbot, repo: Repository, settings: Settings):  # type: ignore[no-untyped-def]
    """The main window on `repo`, shown, with background jobs and dialogs off."""
    from ui.window.main_window import MainWindow

    window = MainWindow(repo, "tester", settings, start_jobs=False)
    window.jobs.show_dialogs = False
    qtbot.addWidget(window)
    window.show()
    return window


def status_text(window, article_id: int) -> str:  # type: ignore[no-untyped-def]
    """The status the article list shows for an article."""
    model = window.list_panel.model
    return model.data(model.index(model.row_of(article_id), STATUS))
