"""An edit the database refuses (disk full, read-only) is dropped from the undo stack and told."""
from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtGui import QUndoStack

from storage.repository import ArticleIn, Repository
from ui.undo import AddSpanCommand, SetStatusCommand, WorkspaceSignals


def _disk_full(*_args, **_kwargs):
    raise sqlite3.OperationalError("database or disk is full")


def test_failed_save_is_not_left_on_the_stack(qtbot, repo: Repository, monkeypatch: pytest.MonkeyPatch) -> None:
    article_id = repo.add_article(ArticleIn(text="Shelling hit Kharkiv on Monday."))
    signals, stack = WorkspaceSignals(), QUndoStack()
    monkeypatch.setattr(repo, "set_status", _disk_full)
    with qtbot.waitSignal(signals.writeFailed) as blocker:
        stack.push(SetStatusCommand(repo, signals, article_id, "coded"))
    assert stack.count() == 0
    assert "disk is full" in blocker.args[0] and str(repo.path) in blocker.args[0]
    assert repo.get_article(article_id).status == "new"


def test_failed_undo_drops_the_command_and_keeps_the_saved_edit(qtbot, repo: Repository,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    article_id = repo.add_article(ArticleIn(text="Shelling hit Kharkiv on Monday."))
    signals, stack = WorkspaceSignals(), QUndoStack()
    stack.push(AddSpanCommand(repo, signals, article_id, 13, 20, "GPE"))
    assert stack.count() == 1 and len(repo.spans(article_id)) == 1
    monkeypatch.setattr(repo, "delete_span", _disk_full)
    with qtbot.waitSignal(signals.writeFailed):
        stack.undo()
    assert stack.count() == 0  # nothing left to replay half of
    assert [s.label for s in repo.spans(article_id)] == ["GPE"]
