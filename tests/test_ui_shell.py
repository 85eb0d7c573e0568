"""The application shell: status actions and undo against the DB, next uncoded, background jobs
(Job, import, cancel, errors told or reported), first-run name, cheat sheet, layout saved."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest


from storage.models import ArticleStatus  # noqa: E402
from storage.progress import Cancelled  # noqa: E402
from storage.repository import ArticleFilter, Repository  # noqa: E402
from storage.models import STATUS_LABELS  # noqa: E402
from ui.settings import Settings  # noqa: E402
from ui.jobs.job import Job  # noqa: E402


def test_status_change_updates_list_and_db_and_undo_restores(status_text, window, small_repo: Repository) -> None:
    window.list_panel.clear_filters()
    first = window.list_panel.model.ids()[0]
    assert window.list_panel.select_article(first)
    assert window.current_article_id() == first

    window.status_actions.flag.trigger()
    window.writer.wait_idle(30)  # the edit is written off the GUI thread
    assert small_repo.get_article(first).status == ArticleStatus.FLAGGED.value
    assert status_text(window, first) == STATUS_LABELS["flagged"]

    window.undo_action.trigger()
    window.writer.wait_idle(30)
    assert small_repo.get_article(first).status == ArticleStatus.NEW.value
    assert status_text(window, first) == STATUS_LABELS["new"]

    window.redo_action.trigger()
    window.writer.wait_idle(30)
    assert small_repo.get_article(first).status == ArticleStatus.FLAGGED.value
    assert status_text(window, first) == STATUS_LABELS["flagged"]


def test_mark_coded_opens_next_uncoded_and_undo_navigates_back(window, small_repo: Repository) -> None:
    panel = window.list_panel
    panel.clear_filters()
    ids = list(panel.model.ids())
    panel.select_article(ids[0])
    small_repo.set_status(ids[1], ArticleStatus.CODED.value)  # the next one is done already

    window.status_actions.coded_next.trigger()
    window.writer.wait_idle(30)  # the edit is written off the GUI thread
    assert small_repo.get_article(ids[0]).status == ArticleStatus.CODED.value
    assert window.current_article_id() == ids[2]  # skipped the coded article

    window.undo_action.trigger()  # the edit was in another article: it comes back on screen
    window.writer.wait_idle(30)
    assert small_repo.get_article(ids[0]).status == ArticleStatus.NEW.value
    assert window.current_article_id() == ids[0]


def test_passing_over_articles_leaves_them_new_the_first_edit_moves_to_in_progress(
        status_text, window, small_repo: Repository) -> None:
    from storage.models import EntitySpan

    panel = window.list_panel
    panel.clear_filters()
    ids = panel.model.ids()
    for aid in ids[:4]:  # arrow keys over the list: each opens on the way
        panel.select_article(aid)
    assert all(small_repo.get_article(aid).status == ArticleStatus.NEW.value for aid in ids[:4])
    aid = ids[3]
    span = small_repo.add_span(EntitySpan(article_id=aid, start=0, end=4, label="GPE"))
    window.reader.accept_span(span)
    window.writer.wait_idle(30)  # the edit, then the status move it causes, written off the GUI thread
    assert small_repo.get_article(aid).status == ArticleStatus.IN_PROGRESS.value
    assert status_text(window, aid) == STATUS_LABELS["in_progress"]
    assert window.undo_stack.count() == 1  # the acceptance only; the status move is not a step
    window.undo_stack.undo()
    window.writer.wait_idle(30)
    assert small_repo.get_article(aid).status == ArticleStatus.IN_PROGRESS.value


def test_next_uncoded_follows_list_order_and_wraps(window, small_repo: Repository) -> None:
    panel = window.list_panel
    panel.clear_filters()
    ids = list(panel.model.ids())
    for aid in ids[1:4]:
        small_repo.set_status(aid, ArticleStatus.CODED.value)
    panel.select_article(ids[0])
    assert panel.next_uncoded_id() == ids[4]
    panel.select_article(ids[5])
    assert panel.next_uncoded_id() == ids[0]  # wraps to the top
    # A status filter that hides uncoded articles is widened to "To code".
    panel.status_combo.setCurrentIndex(4)  # Coded
    assert panel.go_next_uncoded() == ids[0]
    assert panel.status_combo.currentIndex() == 0


def test_filters_narrow_the_list(window, small_repo: Repository) -> None:
    panel = window.list_panel
    panel.clear_filters()
    assert panel.model.rowCount() == 6
    panel.search.setText("Title 3")
    panel.apply_filter()  # what the debounce timer calls
    assert panel.model.rowCount() == 1
    panel.search.clear()
    panel.source_combo.setCurrentIndex(panel.source_combo.findData("Wire"))
    assert panel.model.rowCount() == small_repo.count_articles(ArticleFilter(source="Wire")) == 3
    assert panel.count_label.text() == "3 articles"


def test_search_debounce_applies_the_filter(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    panel = window.list_panel
    panel.clear_filters()
    with qtbot.waitSignal(panel.model.modelReset, timeout=3000):
        panel.search.setText("Title 5")
    assert panel.model.rowCount() == 1


def test_job_keeps_the_gui_thread_free_and_delivers_the_result(qtbot) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    seen_threads: list[bool] = []

    def job(x: int, progress, cancelled) -> int:  # type: ignore[no-untyped-def]
        seen_threads.append(threading.current_thread() is threading.main_thread())
        progress(1, 2, "half")
        release.wait(10)
        return x * 2

    runner = Job(job, 21)
    with qtbot.waitSignal(runner.progress, timeout=5000) as progressed:
        runner.start()
    assert progressed.args == [1, 2, "half"]  # the event loop runs while the job waits
    assert runner.is_running()
    with qtbot.waitSignal(runner.finished, timeout=5000) as finished:
        release.set()
    assert finished.args == [42]
    assert seen_threads == [False]


def test_job_failure_and_cancel(qtbot) -> None:  # type: ignore[no-untyped-def]
    def broken(progress, cancelled) -> None:  # type: ignore[no-untyped-def]
        raise ValueError("news.txt: not UTF-8")

    runner = Job(broken)
    with qtbot.waitSignal(runner.failed, timeout=5000) as failed:
        runner.start()
    error = failed.args[0]  # the exception itself, traceback and all: a bug is reported as a bug
    assert isinstance(error, ValueError) and str(error) == "news.txt: not UTF-8"
    assert "broken" in "".join(__import__("traceback").format_tb(error.__traceback__))

    def until_cancelled(progress, cancelled) -> None:  # type: ignore[no-untyped-def]
        while not cancelled():
            threading.Event().wait(0.005)
        raise Cancelled()

    from PySide6.QtWidgets import QStatusBar

    from ui.jobs.progress import JobProgress

    bar = QStatusBar()
    qtbot.addWidget(bar)
    shown = JobProgress(bar)
    runner = Job(until_cancelled)
    job = shown.add(runner, "Waiting")
    runner.start()
    with qtbot.waitSignal(runner.stopped, timeout=5000):
        job.cancel_button.click()  # the status bar's Cancel button
    qtbot.waitUntil(lambda: not shown.widgets(), timeout=5000)


def _write_articles(folder: Path, n: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for i in range(n):
        p = folder / f"article_{i:03}.txt"
        p.write_text(f"Headline {i}\n\nSoldiers and rebels clashed near town {i} on Monday.", encoding="utf-8")
        paths.append(p)
    return paths


def test_import_runs_in_the_background_and_reports_failures(qtbot, window, small_repo: Repository,
                                                            tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    _write_articles(folder, 5)
    (folder / "broken.txt").write_bytes(b"")  # an empty file is a failure, named in the report
    before = small_repo.count_articles()
    with qtbot.waitSignal(window.jobs.importFinished, timeout=30000) as done:
        runner = window.jobs.start_import([folder], suggest=False)
        # Returned at once: the report comes later, through the event loop (the import itself may
        # already be done on its thread on a fast machine, so its result is not looked at here).
        assert runner is not None and not done.signal_triggered
    report = done.args[0]
    assert report.imported == 5
    assert any(Path(f.path).name == "broken.txt" for f in report.failures)
    assert small_repo.count_articles() == before + 5
    qtbot.waitUntil(lambda: window.list_panel.model.rowCount() >= 0 and not window.jobs.progress.widgets(), timeout=5000)
    window.list_panel.clear_filters()
    assert window.list_panel.model.rowCount() == before + 5


def test_a_large_jsonl_import_from_the_window_uses_the_reading_process(qtbot, window, small_repo: Repository,
                                                                      tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The window's import job (a thread) starts the reading process as the command line does."""
    import json

    import storage.importers as importers
    import storage.importers.reading as reading

    monkeypatch.setattr(importers, "BATCH_SIZE", 20)
    monkeypatch.setattr(reading, "MIN_LINES", 60)
    monkeypatch.setattr(reading, "HEAD_LINES", 30)
    started: list[reading.ReadingProcess] = []
    real_init = reading.ReadingProcess.__init__

    def init(process: reading.ReadingProcess, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        real_init(process, *args, **kwargs)
        started.append(process)

    monkeypatch.setattr(reading.ReadingProcess, "__init__", init)
    path = tmp_path / "wire.jsonl"
    path.write_text("".join(json.dumps({"title": f"Wire {i}", "text": f"Clashes near town {i} on Monday."}) + "\n"
                            for i in range(300)), encoding="utf-8")
    before = small_repo.count_articles()
    with qtbot.waitSignal(window.jobs.importFinished, timeout=30000) as done:
        window.jobs.start_import([path], suggest=False)
    report = done.args[0]
    assert (report.imported, report.failures) == (300, [])
    assert len(started) == 1 and started[0].finished and started[0].status == 0
    assert small_repo.count_articles() == before + 300


def test_cancelled_import_stops_and_keeps_the_report(qtbot, repo: Repository, tmp_path: Path) -> None:
    from services.importing import import_articles

    paths = _write_articles(tmp_path / "many", 20)
    runner = Job(import_articles, repo, paths)
    runner.cancel()  # asked before the first file: nothing is imported, the report still comes
    with qtbot.waitSignal(runner.finished, timeout=30000) as done:
        runner.start()
    assert done.args[0].cancelled
    assert done.args[0].imported < 20
    assert repo.count_articles() == done.args[0].imported


def test_first_run_asks_the_name_once_and_stores_it(qtbot, settings: Settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import ui.app as app_module
    from ui.window.coder_dialog import CoderNameDialog

    asked: list[int] = []

    class Answering(CoderNameDialog):
        def exec(self) -> int:  # type: ignore[override]
            asked.append(1)
            assert not self.buttons.button(self.buttons.StandardButton.Ok).isEnabled()  # empty name
            self.name.setText("  Ana   Silva ")
            return 1

    monkeypatch.setattr(app_module, "CoderNameDialog", Answering)
    assert app_module.ensure_coder_name(settings) == "Ana Silva"
    assert Settings(settings.q).coder_name == "Ana Silva"
    assert app_module.ensure_coder_name(settings) == "Ana Silva"
    assert asked == [1]  # not asked again


def test_cheat_sheet_lists_every_action_with_its_keys(window) -> None:
    from ui.window.cheatsheet import CheatSheetDialog

    dialog = CheatSheetDialog(window.menus, parent=window)
    rows = {(text, keys) for _menu, text, keys in dialog.rows}
    assert ("Mark coded and open next", "Ctrl+Return  or  Ctrl+Enter") in rows
    assert ("Next uncoded article", "Ctrl+Shift+N") in rows
    assert ("Undo", "Ctrl+Z") in {(t.split(" ")[0], k) for t, k in rows}
    dialog.search.setText("flag")
    assert all("flag" in " ".join(r).lower() for r in dialog.visible_rows())
    dialog.close()


def test_window_level_shortcuts_do_not_clash(window) -> None:
    from PySide6.QtCore import Qt

    seen: dict[str, str] = {}
    for menu in window.menus:
        for action in menu.actions():
            if action.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut:
                continue  # panel-local keys (reader letters) may repeat across panels
            for key in action.shortcuts():
                text = key.toString()
                assert text not in seen, f"{text} is both {seen[text]!r} and {action.text()!r}"
                seen[text] = action.text()


def test_layout_and_font_size_are_remembered(qtbot, window, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    size = QApplication.font().pointSize()
    window.change_font_size(+2)
    assert settings.font_size == 13
    assert QApplication.font().pointSize() == 13
    window.apply_font_size(size)  # the application font is process-wide: put it back
    window.splitter.setSizes([300, 500, 400])
    window.close()
    assert settings.layout("splitter") is not None and settings.layout("geometry") is not None


def test_a_damaged_workspace_is_explained_not_a_traceback(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    import ui.app as app_module

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    bad = tmp_path / "notes.sqlite"
    bad.write_text("this is not a database", encoding="utf-8")
    assert app_module.open_workspace_or_explain(str(bad)) is None
    assert len(shown) == 1 and "notes.sqlite" in shown[0]


def test_dropping_files_on_the_window_imports_them(qtbot, window, small_repo: Repository, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    paths = _write_articles(tmp_path / "dropped", 2)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    before = small_repo.count_articles()
    with qtbot.waitSignal(window.jobs.importFinished, timeout=30000) as done:
        window.dropEvent(event)
    assert done.args[0].imported == 2
    assert small_repo.count_articles() == before + 2


def test_suggest_worker_process_reports_through_process_job(qtbot, repo: Repository, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The suggester runs as a child process (spaCy never holds the GUI's GIL); with nothing to
    suggest it answers without loading spaCy, and a bad workspace comes back as the user's error."""
    from services.errors import UserError
    from ui.jobs.job import ProcessJob

    runner = ProcessJob("ui.jobs.suggest_worker", ["--db", str(repo.path)])
    with qtbot.waitSignal(runner.finished, timeout=60000) as done:
        runner.start()
    assert done.args[0]["nothing_to_do"] is True
    qtbot.waitUntil(lambda: not runner.is_running(), timeout=5000)

    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a database", encoding="utf-8")
    runner = ProcessJob("ui.jobs.suggest_worker", ["--db", str(bad)])
    with qtbot.waitSignal(runner.failed, timeout=60000) as failed:
        runner.start()
    assert isinstance(failed.args[0], UserError) and "bad.sqlite" in str(failed.args[0])


def test_export_runs_in_the_background_and_writes_the_file(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "events.csv"
    with qtbot.waitSignal(window.jobs.exportFinished, timeout=60000) as done:
        window.jobs.start_export(out, "csv")
    assert out.exists()
    assert done.args[0].path == out


def test_a_failed_export_does_not_become_the_import_dialogs_folder(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    imports = tmp_path / "articles"
    imports.mkdir()
    window.settings.last_folder = str(imports)
    out = tmp_path / "no such folder" / "events.csv"
    window.jobs.start_export(out, "csv")  # fails: the folder does not exist
    qtbot.waitUntil(lambda: not window.jobs.busy(), timeout=60000)
    assert not out.exists()
    assert window.settings.last_folder == str(imports)  # the Import dialog still opens on the articles
    assert window.settings.last_export_folder == str(out.parent)  # the Export dialog offers it again


def test_activating_a_highlight_fills_the_active_event_field(qtbot, window, small_repo: Repository) -> None:  # type: ignore[no-untyped-def]
    """The window's wiring: reader.highlightActivated -> event panel's active field (+ evidence)."""
    from storage.models import EntitySpan

    panel = window.list_panel
    panel.clear_filters()
    aid = panel.model.ids()[0]
    text = small_repo.get_article(aid).text
    start = text.index("Kyiv")
    span = small_repo.add_span(EntitySpan(article_id=aid, start=start, end=start + 4, label="GPE"))
    panel.select_article(aid)
    window.open_article(aid)  # the same article again: panels refresh with the new span
    window.event_panel.add_action.trigger()
    form = window.event_panel.current_form()
    assert form is not None
    form.focus_field("notes")
    assert window.event_panel.has_active_field()
    window.reader.highlightActivated.emit(span)
    window.writer.wait_idle(30)  # the edit is written off the GUI thread
    bundle = small_repo.get_bundle(aid)
    assert len(bundle.events) == 1
    event = bundle.events[0]
    assert "Kyiv" in (event.event.notes or "")
    assert (event.evidence["notes"].start, event.evidence["notes"].end) == (start, start + 4)
    window.undo_action.trigger()  # one undo step takes the fill back, in the DB too
    window.writer.wait_idle(30)
    assert not (small_repo.get_bundle(aid).events[0].event.notes or "")


def _highlight_point(view, span):  # type: ignore[no-untyped-def]
    """The viewport point inside a drawn highlight (from the caret rectangle at its middle)."""
    from PySide6.QtGui import QTextCursor

    a, b = view.offsets.range_to_qt(span.start, span.end)
    cursor = QTextCursor(view.document())
    cursor.setPosition((a + b) // 2)
    rect = view.cursorRect(cursor)
    return rect.center()


@pytest.mark.parametrize("field", ["actor1", "location", "notes"])
def test_first_click_on_a_highlight_fills_the_focused_field(qtbot, window, small_repo: Repository,
                                                             field: str) -> None:  # type: ignore[no-untyped-def]
    """A click on a highlight while an event field has the keyboard fills that field at once
    (the click that moves focus to the reader counts)."""
    from PySide6.QtCore import Qt

    from storage.models import EntitySpan

    window.event_panel.pick_when_ambiguous = False
    panel = window.list_panel
    panel.clear_filters()
    aid = panel.model.ids()[0]
    text = small_repo.get_article(aid).text
    word = "Police" if field == "actor1" else "Kyiv"
    start = text.index(word)
    span = small_repo.add_span(EntitySpan(article_id=aid, start=start, end=start + len(word),
                                          label="ORG" if field == "actor1" else "GPE"))
    panel.select_article(aid)
    window.open_article(aid)
    window.activateWindow()
    window.event_panel.add_action.trigger()
    form = window.event_panel.current_form()
    form.focus_field(field)
    small_repo.upsert_actor("Police Forces of Ukraine", 1)
    window.event_panel.refresh_actors()
    # Typing "Pol" in an actor field opens the completer's popup: the click that closes it
    # must still reach the highlight.
    widget = form.widgets[field]
    editor = widget.combo.lineEdit() if field == "actor1" else widget.editor()
    qtbot.keyClicks(editor, "Pol")
    if field == "actor1":
        qtbot.waitUntil(lambda: widget.combo.completer().popup().isVisible())
    assert not window.reader.view.hasFocus()
    view = window.reader.view
    point = _highlight_point(view, span)
    popup = form.widgets["actor1"].combo.completer().popup()
    if popup.isVisible():
        # What X11 does while the completer's list is open: the list grabs the pointer, so the
        # press on the reader is delivered to the list (offscreen would replay it instead).
        from PySide6.QtCore import QEvent, QPointF
        from PySide6.QtGui import QMouseEvent
        from PySide6.QtWidgets import QApplication

        global_pos = QPointF(view.viewport().mapToGlobal(point))
        for kind, buttons in ((QEvent.Type.MouseButtonPress, Qt.MouseButton.LeftButton),
                              (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton)):
            local = QPointF(popup.mapFromGlobal(global_pos.toPoint()))
            QApplication.sendEvent(popup, QMouseEvent(kind, local, global_pos, Qt.MouseButton.LeftButton,
                                                      buttons, Qt.KeyboardModifier.NoModifier))
        assert not popup.isVisible()
    else:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: window.event_panel.lookups_pending() == 0)  # a place: looked up off the GUI thread
    window.writer.wait_idle(30)  # the edit is written off the GUI thread
    event = small_repo.get_bundle(aid).events[0]
    assert field in event.evidence, "the first click did not fill the field"
    assert (event.evidence[field].start, event.evidence[field].end) == (start, start + len(word))


def test_typed_text_is_saved_before_undo_and_on_close(qtbot, window, small_repo: Repository) -> None:  # type: ignore[no-untyped-def]
    """Typing is saved after a pause; undo and closing the window do not wait for it."""
    from PySide6.QtCore import Qt

    panel = window.list_panel
    panel.clear_filters()
    aid = panel.model.ids()[0]
    panel.select_article(aid)
    window.event_panel.add_action.trigger()
    form = window.event_panel.current_form()
    form.focus_field("notes")
    qtbot.keyClicks(form.widgets["notes"].editor(), "first words")
    window.undo_action.trigger()  # saves the typing, then takes it back: one step
    window.writer.wait_idle(30)
    assert not small_repo.get_bundle(aid).events[0].event.notes
    assert len(small_repo.get_bundle(aid).events) == 1
    window.redo_action.trigger()
    window.writer.wait_idle(30)
    assert small_repo.get_bundle(aid).events[0].event.notes == "first words"
    form.focus_field("notes")
    qtbot.keyClick(form.widgets["notes"].editor(), Qt.Key.Key_End)
    qtbot.keyClicks(form.widgets["notes"].editor(), " and more")
    assert window.event_panel.has_pending_edit()
    window.close()
    assert small_repo.get_bundle(aid).events[0].event.notes == "first words and more"


def test_cancel_at_first_start_codes_under_the_login_name_instead_of_quitting(
        qtbot, settings: Settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import ui.app as app_module
    from ui.window.coder_dialog import CoderNameDialog

    class Cancelling(CoderNameDialog):
        def exec(self) -> int:  # type: ignore[override]
            return 0

    monkeypatch.setattr(app_module, "CoderNameDialog", Cancelling)
    monkeypatch.setattr(app_module, "login_name", lambda: "jdoe")
    assert app_module.ensure_coder_name(settings) == "jdoe"
    assert Settings(settings.q).coder_name == "jdoe"  # changeable later in Edit > Coder name


def test_the_name_typed_at_first_start_survives_a_kill(tmp_path: Path) -> None:
    """Written to disk when typed: a kill -9 just after keeps it."""
    import subprocess
    import sys

    ini = tmp_path / "settings.ini"
    code = (
        "import os, signal, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})\n"
        "from PySide6.QtCore import QSettings\n"
        "from ui.settings import Settings\n"
        f"Settings(QSettings({str(ini)!r}, QSettings.Format.IniFormat)).coder_name = 'Ana Silva'\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == -9
    from PySide6.QtCore import QSettings

    assert Settings(QSettings(str(ini), QSettings.Format.IniFormat)).coder_name == "Ana Silva"


def test_filtering_a_long_list_shows_the_matches_from_the_top(qtbot, repo: Repository, settings: Settings,
                                                              make_articles) -> None:  # type: ignore[no-untyped-def]
    from ui.window.main_window import MainWindow

    window = MainWindow(make_articles(repo, 400), "tester", settings, start_jobs=False)
    qtbot.addWidget(window)
    window.show()
    panel = window.list_panel
    panel.clear_filters()
    ids = panel.model.ids()
    panel.select_article(ids[350])  # far down the list
    bar = panel.view.verticalScrollBar()
    assert bar.value() > 0
    title = repo.get_article(ids[350]).title
    query = next(q for q in ("Title 2", "Title 3", "Title 4") if q not in title)
    panel.search.setText(query)  # the open article is not among the matches
    panel.apply_filter()
    assert panel.model.row_of(ids[350]) is None and 0 < panel.model.rowCount() < 400
    assert bar.value() == 0


def test_a_users_mistake_is_told_and_a_bug_is_reported_with_its_traceback(qtbot, window, caplog) -> None:  # type: ignore[no-untyped-def]
    """The job controller tells a UserError as it is; anything else is a bug: logged with the
    traceback, and the coder is told it is a bug, not shown a bare string."""
    import logging

    from services.errors import UserError

    def mistaken(progress, cancelled) -> None:  # type: ignore[no-untyped-def]
        raise UserError("out.pdf: unknown export format 'pdf'")

    def buggy(progress, cancelled) -> None:  # type: ignore[no-untyped-def]
        return {}["missing"]  # type: ignore[return-value]

    jobs = window.jobs
    first = jobs._start("Exporting", mistaken)
    with qtbot.waitSignal(first.done, timeout=5000):
        first.start()
    assert window.status.currentMessage() == "Exporting failed: out.pdf: unknown export format 'pdf'"

    second = jobs._start("Importing", buggy)
    with caplog.at_level(logging.ERROR, logger="ui.jobs.controller"):
        with qtbot.waitSignal(second.done, timeout=5000):
            second.start()
    assert "a bug in Chronicler (KeyError)" in window.status.currentMessage()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Traceback" in logged and "in buggy" in logged


def test_training_from_the_window_refuses_politely_with_too_few_coded_articles(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Article > Train: the child process says why it will not train (no coded highlights yet)."""
    action = next(a for a in window.menus[2].actions() if a.text().startswith("Train the suggestion model"))
    action.trigger()
    qtbot.waitUntil(lambda: not window.jobs.busy(), timeout=120_000)
    message = window.status.currentMessage()
    assert message.startswith("Training the model failed:") and "bug" not in message, message


def test_a_failed_exports_message_takes_the_counts_place_and_names_the_file(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ui.jobs.job import Job

    out = tmp_path / "out.xlsx"
    out.mkdir()  # a folder where the workbook should go: writing it fails at the end
    window.jobs.start_export(out, "xlsx")
    # The job may not have started yet when this returns (its service is imported on first use).
    qtbot.waitUntil(lambda: "failed" in window.status.currentMessage(), timeout=60000)
    message = window.status.currentMessage()
    assert "failed" in message and str(out) in message
    assert ".part" not in message and message.count(str(tmp_path)) == 1  # no private temp path
    assert not window.status.counts.isVisible()  # the message stands where the counts were
    # A job's progress widget coming and going re-lays the bar out: the counts stay hidden.
    runner = Job(lambda progress, cancelled: None)
    window.jobs.progress.add(runner, "Something")
    runner.start()
    qtbot.waitUntil(lambda: not window.jobs.progress.widgets(), timeout=5000)
    qtbot.wait(50)
    assert window.status.currentMessage() == message and not window.status.counts.isVisible()
    window.status.clearMessage()
    assert window.status.counts.isVisible()


def test_a_job_ending_after_its_window_closed_is_quiet(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Closing waits a bounded time for jobs: one that ends later finds its status bar gone, and
    must not raise into the event loop (it did, into whatever test or window came next)."""
    import shiboken6
    from PySide6.QtWidgets import QStatusBar

    from ui.jobs.job import Job
    from ui.jobs.progress import JobProgress

    bar = QStatusBar()
    progress = JobProgress(bar)
    job = Job(lambda progress, cancelled: None)
    progress.add(job, "Exporting")
    shiboken6.delete(bar)  # the window (and its bar with the job's widget) closed and deleted
    progress.remove(job)  # the job's done signal, later
    assert progress.widgets() == []


def test_suggest_result_is_told_without_importing_the_suggester(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """The worker's result dict is read as it is: importing services.suggesting on the GUI
    thread when suggesting ends froze the window for 40 ms."""
    result = {"articles": 3, "spans": 1234, "model": "m 1", "nothing_to_do": False, "cancelled": False, "cut": 0}
    with qtbot.waitSignal(window.signals.articlesChanged):
        window.jobs._suggested(result)
    assert window.status.currentMessage() == "Suggested 1,234 highlights in 3 articles (m 1)"
    with qtbot.assertNotEmitted(window.signals.articlesChanged):
        window.jobs._suggested({**result, "nothing_to_do": True})


def test_quitting_waits_for_thread_jobs_to_end(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A job still running at quit is asked to stop and waited for, until its last signal is
    sent: emitted into a torn-down application it crashed the process on quit (seen in CI)."""
    from ui.jobs.job import finish_thread_jobs

    sent: list[str] = []

    def until_cancelled(progress, cancelled) -> None:  # type: ignore[no-untyped-def]
        while not cancelled():
            threading.Event().wait(0.005)
        sent.append("ending")
        raise Cancelled()

    runner = Job(until_cancelled)
    runner.start()
    qtbot.waitUntil(runner.is_running)
    assert finish_thread_jobs(5.0)
    assert sent == ["ending"] and not runner.is_running()
    assert finish_thread_jobs(5.0)  # nothing left: at once
