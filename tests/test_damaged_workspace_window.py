"""A workspace that cannot be opened or shown never leaves the window half-built: the coder is
told the file and the problem (the backup offered), and gets a whole window or none."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from storage.db import WorkspaceError, dispose_engine  # noqa: E402
from storage.models import EntitySpan  # noqa: E402
from storage.repository import ArticleIn, Repository  # noqa: E402
from ui.settings import Settings  # noqa: E402

SABOTAGE = [  # values another tool wrote in the wrong type (tests/test_damaged_values.py)
    "UPDATE event SET latitude = 9e999 WHERE id = 1",
    """UPDATE event SET extra = '{"x": NaN, "y": "kept"}' WHERE id = 2""",
    "UPDATE event SET event_date = 'garbage', created_at = 'not a time' WHERE id = 3",
    "UPDATE article SET published = 'someday', imported_at = 'never' WHERE id = 3",
    "UPDATE article SET meta = 'not json' WHERE id = 4",
    "UPDATE event SET extra = 'not json' WHERE id = 4",
    "UPDATE article SET title = X'C3A9FF', source = 42 WHERE id = 5",
    "UPDATE event SET fatalities = 'many' WHERE id = 6",
]


def _workspace(path: Path, *sabotage: str) -> Path:
    repo = Repository(path)
    for i in range(6):
        a = repo.add_article(ArticleIn(text=f"Shots in Kyiv, day {i}.", title=f"t{i}"))
        repo.add_event(a, {"notes": "n", "fatalities": 1, "latitude": 1.0}, coder="ana")
        repo.add_spans([EntitySpan(article_id=a, start=9, end=13, label="GPE")])
    repo.close()
    dispose_engine(path)
    con = sqlite3.connect(path)
    for sql in sabotage:
        con.execute(sql)
    con.commit()
    con.close()
    return path


def _open(qtbot: Any, settings: Settings, monkeypatch: pytest.MonkeyPatch, db: Path,
          answer: Any = None) -> tuple[Any, list[BaseException], list[int]]:
    """The app's own opening path, the explanation box answered by `answer(exc)`."""
    import ui.app
    from ui.window.main_window import MainWindow

    told: list[BaseException] = []

    def explain(exc: BaseException, _db: Any, _parent: Any) -> Any:
        told.append(exc)
        return answer(exc) if answer is not None else None

    monkeypatch.setattr(ui.app, "explain_workspace_error", explain)
    codes: list[int] = []
    monkeypatch.setattr(ui.app, "quit_app", codes.append)  # the real exit would end the test session
    window = MainWindow(None, "tester", settings, start_jobs=False)
    qtbot.addWidget(window)
    window.show()
    ui.app.start_opening(window, str(db))
    return window, told, codes


def test_wrong_typed_values_give_a_whole_window_where_every_article_opens(
        qtbot: Any, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch, gazetteer_index: Path) -> None:
    db = _workspace(tmp_path / "odd.sqlite", *SABOTAGE)
    window, told, codes = _open(qtbot, settings, monkeypatch, db)
    qtbot.waitUntil(window.is_attached, timeout=30_000)
    assert not told and not codes
    ids = window.list_panel.model.ids()
    assert len(ids) == 6
    for aid in ids:  # an exception in a Qt slot or model method fails this test (pytest-qt)
        assert window.list_panel.select_article(aid)
        assert window.reader.article_id() == aid
        assert window.event_panel.list.count() == 1
    window.close()


def test_a_failed_migration_is_explained_naming_the_file_and_no_window_is_built(
        qtbot: Any, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # Said to be at schema 4: migration 0005 adds columns the tables already have, and fails.
    db = _workspace(tmp_path / "old.sqlite", "PRAGMA user_version = 4", "UPDATE alembic_version SET version_num = '0004'")
    window, told, codes = _open(qtbot, settings, monkeypatch, db)
    qtbot.waitUntil(lambda: bool(told), timeout=30_000)
    assert isinstance(told[0], WorkspaceError) and "old.sqlite" in str(told[0])
    assert "duplicate column" in str(told[0])  # the problem, in the same line
    assert not list(tmp_path.glob("old.v4.*.bak.sqlite"))  # the copy that cannot migrate is no "backup"
    qtbot.waitUntil(lambda: codes == [2], timeout=5_000)
    assert not window.is_attached()


def test_a_locked_workspace_is_explained_naming_the_file(qtbot: Any, tmp_path: Path, settings: Settings,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import storage.db

    db = _workspace(tmp_path / "held.sqlite")
    monkeypatch.setattr(storage.db, "BUSY_TIMEOUT_MS", 300)  # not 30 s of waiting in a test
    holder = sqlite3.connect(db)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")  # another program holds it
    try:
        window, told, codes = _open(qtbot, settings, monkeypatch, db)
        qtbot.waitUntil(lambda: bool(told), timeout=30_000)
    finally:
        holder.rollback()
        holder.close()
    assert isinstance(told[0], WorkspaceError) and "held.sqlite" in str(told[0])
    assert "another program" in str(told[0])
    qtbot.waitUntil(lambda: codes == [2], timeout=5_000)
    assert not window.is_attached()


def test_a_window_that_fails_to_build_is_closed_whole_and_the_backup_gets_a_new_one(
        qtbot: Any, tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch, gazetteer_index: Path) -> None:
    from ui.reader.panel import ReaderPanel

    db = _workspace(tmp_path / "shown.sqlite")
    real_init = ReaderPanel.__init__
    calls: list[int] = []

    def fails_once(self: Any, *args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) == 1:  # the panels cannot show this workspace's values
            raise ValueError("a value the reader cannot show")
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(ReaderPanel, "__init__", fails_once)
    backup = tmp_path / "restored.sqlite"
    _workspace(backup)
    def use_backup(exc: BaseException) -> Repository:
        return Repository(backup)

    window, told, codes = _open(qtbot, settings, monkeypatch, db, answer=use_backup)
    qtbot.waitUntil(lambda: bool(told), timeout=30_000)
    assert isinstance(told[0], WorkspaceError)
    assert "shown.sqlite" in str(told[0]) and "a value the reader cannot show" in str(told[0])
    assert not window.is_attached() and not window.isVisible()  # none: never shown half-built
    from PySide6.QtWidgets import QApplication

    qtbot.waitUntil(lambda: any(getattr(w, "is_attached", lambda: False)()
                                for w in QApplication.topLevelWidgets()), timeout=30_000)
    windows = [w for w in QApplication.topLevelWidgets() if getattr(w, "is_attached", lambda: False)()]
    (fresh,) = windows
    assert fresh is not window and fresh.list_panel.model.rowCount() == 6  # the backup, whole
    assert not codes
    fresh.close()
    fresh.deleteLater()
