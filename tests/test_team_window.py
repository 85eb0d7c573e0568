"""Team coding in the window: the lead's assignment dialog, each coder's own list and status,
blind double coding in the reader and event panel, and File > Merge workspaces."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from services.assign import plan, preview
from storage.models import EntitySpan, SpanOrigin, SpanState
from storage.repository import ArticleIn, Repository
from ui.window.main_window import MainWindow

TEXT = "Police clashed with protesters in Goma on Monday; 4 were killed."


def _window(qtbot: Any, repo: Repository, settings: Any, coder: str) -> MainWindow:
    w = MainWindow(repo, coder, settings, start_jobs=False)
    w.jobs.show_dialogs = False
    qtbot.addWidget(w)
    w.show()
    return w


def _wait_job(qtbot: Any, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.jobs.busy(), timeout=20000)


def _team_action(window: MainWindow, text: str) -> Any:
    menu = window.menus[[m.title() for m in window.menus].index("&Team")]
    return next(a for a in menu.actions() if a.text().replace("&", "").startswith(text))


# ---- 1. the lead's assignment dialog --------------------------------------------------------

def _stored(w, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Edits are written off the GUI thread: wait until they are stored and the window heard so."""
    w.writer.wait_idle(30)
    qtbot.waitUntil(lambda: w.writer.pending() == 0)

def test_preview_matches_what_the_plan_draws() -> None:
    for n, coders, overlap in ((6, ["ana", "ben"], 0.5), (101, ["a", "b", "c"], 0.2), (7, ["solo"], 0.0)):
        gets, double = preview(n, coders, overlap)
        pairs = plan(list(range(n)), coders, overlap, seed=3)
        drawn = {c: sum(1 for _, who in pairs if who == c) for c in coders}
        assert all(gets[c][0] <= drawn[c] <= gets[c][1] for c in coders), (gets, drawn)
        per_article: dict[int, int] = {}
        for aid, _ in pairs:
            per_article[aid] = per_article.get(aid, 0) + 1
        assert double == sum(1 for k in per_article.values() if k == 2)


def test_assign_dialog_previews_assigns_in_a_job_and_the_list_reloads(qtbot, window, small_repo: Repository) -> None:  # type: ignore[no-untyped-def]
    small_repo.ensure_coder("ana")
    _team_action(window, "Assign articles").trigger()
    dialog = window.team.assign_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.facts is not None)
    # Pre-filled from the coders known in the workspace.
    assert "ana" in dialog.coders()
    assert "6 articles in the workspace: 0 assigned" in dialog.summary.text()
    for name in list(dialog.coders()):
        dialog.remove_coder(name)
    assert not dialog.assign_button.isEnabled() and "at least one coder" in dialog.preview_label.text()
    dialog.new_coder.setText("ana")
    dialog.add_typed_coder()
    dialog.overlap.setValue(50)
    assert not dialog.assign_button.isEnabled() and "two coders" in dialog.preview_label.text()
    dialog.new_coder.setText("tester")
    qtbot.keyClick(dialog.new_coder, "\r")
    assert dialog.coders() == ["ana", "tester"]
    dialog.seed.setValue(7)
    # 6 articles, half double-coded: 9 codings, 4 or 5 each.
    assert dialog.preview_label.text() == "6 articles to spread over 2 coders: 3 to two coders, 3 to one."
    assert [dialog.table.item(r, 2).text() for r in range(2)] == ["+4\u20135", "+4\u20135"]
    assert dialog.assign_button.isEnabled()

    with qtbot.waitSignal(dialog.assigned, timeout=20000) as got:
        dialog.assign_button.click()
    result = got.args[0]
    _wait_job(qtbot, window)
    assert result.double == 3 and sum(result.coders.values()) == 9
    assert small_repo.assignment_counts() == result.coders
    assert len(small_repo.double_coded_ids()) == 3
    assert dialog.result_label.isVisible() and "3 to two coders" in dialog.result_label.text()
    # The same seed gives what the command line would give.
    expected = plan(small_repo.article_ids(), ["ana", "tester"], 0.5, 7)
    assert sorted((a.article_id, a.coder) for a in small_repo.assignments()) == sorted(expected)
    # Counts re-read: nothing left to assign, Assign off; the coder's own list appeared.
    qtbot.waitUntil(lambda: dialog.facts is not None and dialog.facts.unassigned == 0)
    assert not dialog.assign_button.isEnabled() and "No article to assign" in dialog.preview_label.text()
    assert dialog.table.item(1, 1).text() == str(result.coders["tester"])
    assert window.list_panel.show_combo.isVisibleTo(window.list_panel)
    assert list(window.list_panel.model.ids()) == small_repo.coder_article_ids("tester")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Close).click()


def test_unticking_only_unassigned_spreads_unstarted_articles_again(qtbot, window, small_repo: Repository) -> None:  # type: ignore[no-untyped-def]
    ids = small_repo.article_ids()
    small_repo.assign([(i, "ana") for i in ids])
    small_repo.set_coder_status(ids[0], "ana", "in_progress")  # started: stays with ana
    dialog = window.team.assign()
    qtbot.waitUntil(lambda: dialog.facts is not None)
    assert dialog.facts.counts == {"ana": 6} and dialog.facts.kept == {"ana": 1}
    for name in list(dialog.coders()):
        dialog.remove_coder(name)
    dialog.add_coder("cem")
    dialog.overlap.setValue(0)
    assert not dialog.assign_button.isEnabled()  # every article has its coder
    dialog.only_unassigned.setChecked(False)
    assert dialog.preview_label.text() == "5 articles to spread over 1 coder: 0 to two coders, 5 to one."
    with qtbot.waitSignal(dialog.assigned, timeout=20000):
        dialog.assign_button.click()
    _wait_job(qtbot, window)
    assert small_repo.article_coders(ids[0]) == ["ana"]
    assert all(small_repo.article_coders(i) == ["cem"] for i in ids[1:])
    dialog.close()


# ---- 2. each coder's own list and status ----------------------------------------------------
def test_a_coders_list_shows_their_own_articles_and_status(qtbot, window, small_repo: Repository, status_text) -> None:  # type: ignore[no-untyped-def]
    panel = window.list_panel
    ids = small_repo.article_ids()
    # No assignments: every article, no "My articles" toggle.
    assert not panel.show_combo.isVisibleTo(panel) and len(panel.model.ids()) == 6
    mine = [ids[0], ids[2], ids[4]]
    small_repo.assign([(i, "tester") for i in mine] + [(ids[2], "ana"), (ids[1], "ana")])
    window.signals.articlesChanged.emit()
    assert panel.show_combo.isVisibleTo(panel) and panel.show_combo.currentText() == "My articles"
    assert list(panel.model.ids()) == mine

    # The coder's status change writes their own status; the list shows it, undo restores it.
    small_repo.set_coder_status(ids[2], "ana", "coded")
    panel.select_article(ids[2])
    assert window.current_article_id() == ids[2]
    window.status_actions.set_status("flagged")
    _stored(window, qtbot)
    assert small_repo.coder_status(ids[2], "tester") == "flagged"
    assert small_repo.coder_status(ids[2], "ana") == "coded"
    assert small_repo.get_article(ids[2]).status == "flagged"  # the overall status from both
    assert status_text(window, ids[2]) == "Flagged"
    assert "flagged for review" in window.reader.meta.text()  # the reader says the coder's own too
    window.undo_stack.undo()
    _stored(window, qtbot)
    assert small_repo.coder_status(ids[2], "tester") == "new"
    assert status_text(window, ids[2]) == "New"
    # The lead's view: every article with its overall status (ana coded, tester new: in progress).
    qtbot.waitUntil(lambda: window.status.counts.text().startswith("Yours: 3 articles · 3 to code"))
    panel.show_own_list(False)
    assert len(panel.model.ids()) == 6
    assert status_text(window, ids[2]) == "In progress"
    assert window.status.counts.text().startswith("6 articles")
    panel.show_own_list(True)

    # "Next uncoded" follows the coder's own list and own status, as next_for_coder.
    panel.select_article(mine[0])
    small_repo.set_coder_status(mine[1], "tester", "coded")
    nxt = panel.go_next_uncoded()
    assert nxt == small_repo.next_for_coder("tester", after_id=mine[0]) == mine[2]
    # Mark coded and next: the own status, then the own list's next.
    window.status_actions.coded_next.trigger()
    _stored(window, qtbot)
    assert small_repo.coder_status(mine[2], "tester") == "coded"
    assert small_repo.get_article(mine[2]).status == "coded"
    assert window.current_article_id() == small_repo.next_for_coder("tester", after_id=mine[2]) == mine[0]


def test_the_first_edit_moves_the_coders_own_status_to_in_progress(qtbot, window, small_repo: Repository) -> None:  # type: ignore[no-untyped-def]
    aid = small_repo.article_ids()[0]
    small_repo.assign([(aid, "tester"), (aid, "ana")])
    window.signals.articlesChanged.emit()
    window.list_panel.select_article(aid)
    window.event_panel.add_event()
    _stored(window, qtbot)
    assert small_repo.coder_status(aid, "tester") == "in_progress"
    assert small_repo.coder_status(aid, "ana") == "new"


def test_a_coder_without_assignments_sees_every_article(qtbot, window, small_repo: Repository) -> None:  # type: ignore[no-untyped-def]
    ids = small_repo.article_ids()
    small_repo.assign([(ids[0], "ana")])
    window.signals.articlesChanged.emit()
    panel = window.list_panel
    assert not panel.show_combo.isVisibleTo(panel) and len(panel.model.ids()) == 6
    window.coder = "ana"
    panel.set_coder("ana")
    assert list(panel.model.ids()) == [ids[0]]


# ---- 3. blind double coding -------------------------------------------------------------------
def _double_coded(repo: Repository) -> tuple[int, dict[str, int]]:
    (aid,) = repo.add_articles([ArticleIn(text=TEXT, title="Goma", published=dt.date(2024, 5, 6))]).added_ids
    repo.assign([(aid, "ana"), (aid, "ben")])
    spans = {
        "ana_decided": EntitySpan(article_id=aid, start=0, end=6, label="ORG", origin=SpanOrigin.MODEL.value,
                                  state=SpanState.ACCEPTED.value, coder="ana"),
        "ana_own": EntitySpan(article_id=aid, start=42, end=48, label="DATE", origin=SpanOrigin.CODER.value,
                              state=SpanState.ACCEPTED.value, coder="ana"),
        "model": EntitySpan(article_id=aid, start=34, end=38, label="GPE", origin=SpanOrigin.MODEL.value),
    }
    ids = {k: int(repo.add_span(v).id) for k, v in spans.items()}  # type: ignore[arg-type]
    repo.add_event(aid, {"event_type": "Protests", "location": "Goma"}, coder="ana")
    return aid, ids


def _seen(window: MainWindow) -> tuple[list[str], dict[tuple[int, int], tuple[str, Any]]]:
    bundle = window.event_panel.editor.bundle
    events = [e.event.coder for e in bundle.events] if bundle else []
    spans = {(s.start, s.end): (s.state, s.coder) for s in window.reader._spans}
    return events, spans


def test_blind_mode_hides_the_other_coders_work_in_the_window(qtbot, repo: Repository, settings) -> None:  # type: ignore[no-untyped-def]
    aid, span_ids = _double_coded(repo)
    ben = _window(qtbot, repo, settings, "ben")
    ben.list_panel.select_article(aid)
    events, spans = _seen(ben)
    assert events == ["ana"] and spans[(0, 6)] == ("accepted", "ana") and (42, 48) in spans  # not blind yet
    assert ben.event_panel.list.count() == 1

    blind = _team_action(ben, "Blind double coding")
    assert blind.isCheckable() and not blind.isChecked()
    blind.trigger()
    ben.writer.wait_idle(30)  # written off the GUI thread, in order with the edits
    assert repo.blind_mode
    events, spans = _seen(ben)
    assert events == [] and ben.event_panel.list.count() == 0
    assert spans[(0, 6)] == ("suggested", None)  # ana's decision: ben sees the bare suggestion
    assert (42, 48) not in spans  # ana's own highlight: hidden
    assert spans[(34, 38)] == ("suggested", None)
    assert "blind: the other coder's work is hidden" in ben.reader.meta.text()

    # Ben's decision on the span ana decided is his own, on a copy; ana's stays accepted.
    reader = ben.reader
    reader._set_current(next(s for s in reader._spans if (s.start, s.end) == (0, 6)))
    reader.reject_current()
    _stored(ben, qtbot)
    stored = {(s.coder, s.state) for s in repo.spans(aid) if (s.start, s.end) == (0, 6)}
    assert stored == {("ana", "accepted"), ("ben", "rejected")}
    assert _seen(ben)[1][(0, 6)] == ("rejected", "ben")
    # Undo takes ben's copy away, redo puts it back; ana's never moves.
    ben.undo_stack.undo()
    _stored(ben, qtbot)
    assert {(s.coder, s.state) for s in repo.spans(aid) if (s.start, s.end) == (0, 6)} == {("ana", "accepted")}
    assert _seen(ben)[1][(0, 6)] == ("suggested", None)
    ben.undo_stack.redo()
    _stored(ben, qtbot)
    assert {(s.coder, s.state) for s in repo.spans(aid) if (s.start, s.end) == (0, 6)} == \
        {("ana", "accepted"), ("ben", "rejected")}
    # Deleting a suggestion in blind mode is ben's rejection: the shared suggestion stays.
    reader._set_current(next(s for s in reader._spans if (s.start, s.end) == (34, 38)))
    reader.delete_current()
    _stored(ben, qtbot)
    assert {(s.coder, s.state) for s in repo.spans(aid) if (s.start, s.end) == (34, 38)} == {("ben", "rejected")}
    ben.undo_stack.undo()
    _stored(ben, qtbot)
    assert {(s.coder, s.state) for s in repo.spans(aid) if (s.start, s.end) == (34, 38)} == {(None, "suggested")}

    # Ben's own event is his; ana (another window) does not see it, nor his rejection.
    ben.event_panel.add_event()
    _stored(ben, qtbot)
    assert [e.event.coder for e in repo.article_events(aid)] == ["ana", "ben"]
    assert _seen(ben)[0] == ["ben"]
    ana = _window(qtbot, repo, settings, "ana")
    ana.list_panel.select_article(aid)
    events, spans = _seen(ana)
    assert events == ["ana"] and spans[(0, 6)] == ("accepted", "ana") and spans[(42, 48)][1] == "ana"

    # Blind mode off: both see everything.
    blind.trigger()
    ben.writer.wait_idle(30)  # written off the GUI thread, in order with the edits
    assert not repo.blind_mode
    assert sorted(_seen(ben)[0]) == ["ana", "ben"] and "blind" not in ben.reader.meta.text()
    # On again, then adjudicated: nothing is hidden any more.
    blind.trigger()
    ben.writer.wait_idle(30)  # written off the GUI thread, in order with the edits
    assert _seen(ben)[0] == ["ben"]
    repo.mark_adjudicated(aid, "lead")
    ben.open_article(aid)
    assert sorted(_seen(ben)[0]) == ["ana", "ben"]


def test_switching_blind_mode_never_waits_for_the_workspace(qtbot, repo: Repository, settings) -> None:  # type: ignore[no-untyped-def]
    """Another program holds the write lock: the switch returns at once, is written when the
    lock goes, and the open article is shown again (blind) then."""
    import time

    from tests.test_writer import Lock

    aid, _ = _double_coded(repo)
    ben = _window(qtbot, repo, settings, "ben")
    ben.list_panel.select_article(aid)
    blind = _team_action(ben, "Blind double coding")
    lock = Lock(repo)
    try:
        start = time.perf_counter()
        blind.trigger()
        took = time.perf_counter() - start
        assert took < 2, f"switching blind mode waited {took:.2f} s for the workspace"
        assert not repo.blind_mode  # not written yet
    finally:
        lock.release()
    assert ben.writer.wait_idle(30)
    assert repo.blind_mode
    qtbot.waitUntil(lambda: _seen(ben)[0] == [])  # shown again: ana's event is hidden now


def test_a_refused_blind_mode_switch_says_so_and_unticks_the_menu(qtbot, repo: Repository, settings,
                                                                  monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ben = _window(qtbot, repo, settings, "ben")
    blind = _team_action(ben, "Blind double coding")

    def refuse(on: bool) -> bool:
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(repo, "set_blind_mode", refuse)
    blind.trigger()
    assert ben.writer.wait_idle(30)
    qtbot.waitUntil(lambda: not blind.isChecked())
    assert "could not be switched on" in ben.status.currentMessage() and not repo.blind_mode


def test_blind_mode_follows_the_workspace_setting(qtbot, repo: Repository, settings) -> None:  # type: ignore[no-untyped-def]
    _double_coded(repo)
    w = _window(qtbot, repo, settings, "ben")
    blind = _team_action(w, "Blind double coding")
    repo.set_blind_mode(True)  # another coder switched it on
    w.team.refresh()  # what the Team menu does as it opens
    assert blind.isChecked()


# ---- 4. merge workspaces ------------------------------------------------------------------------
def _offline(tmp_path: Path, coder: str, fatalities: int) -> Path:
    path = tmp_path / f"{coder}.sqlite"
    repo = Repository(path)
    (aid,) = repo.add_articles([ArticleIn(text="Clashes near Goma killed four on Monday.", title="Goma")]).added_ids
    repo.assign([(aid, coder)])
    repo.set_coder_status(aid, coder, "coded")
    repo.add_event(aid, {"event_type": "Battles", "location": "Goma", "fatalities": fatalities}, coder=coder)
    repo.close()
    return path


def _merge(qtbot: Any, window: MainWindow, sources: list[str]) -> Any:
    dialog = window.team.merge_dialog or window.team.merge()
    dialog.add_sources(sources)
    assert dialog.merge_button.isEnabled()
    dialog.merge_button.click()
    assert dialog.job is not None and dialog.progress.isVisible()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=30000)
    _wait_job(qtbot, window)
    return dialog


def test_merge_workspaces_from_the_file_menu(qtbot, window, small_repo: Repository, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    file_menu = window.menus[0]
    action = next(a for a in file_menu.actions() if a.text().replace("&", "").startswith("Merge workspaces"))
    ana = _offline(tmp_path, "ana", 4)
    window.list_panel.clear_filters()  # all statuses: the merged article is coded
    action.trigger()
    dialog = window.team.merge_dialog
    assert dialog is not None and dialog.isVisible() and not dialog.merge_button.isEnabled()

    dialog = _merge(qtbot, window, [str(ana)])
    assert dialog.result is not None and dialog.result.sources[0].articles_added == 1
    assert "1 articles added" in dialog.outcome.text() and "no conflicts" in dialog.outcome.text()
    assert not dialog.conflicts.isVisible()
    assert window.list_panel.model.rowCount() == 7  # the list reloaded
    uid = small_repo.events()[0].uid
    assert small_repo.events()[0].coder == "ana"

    # Again: nothing new.
    dialog = _merge(qtbot, window, [str(ana)])
    assert "(nothing new)" in dialog.outcome.text() and window.list_panel.model.rowCount() == 7

    # Both sides edit the same event: the conflict is listed, never dropped.
    small_repo.update_event(small_repo.find_event_by_uid(uid).id, {"fatalities": 7})
    from storage.db import dispose_engine

    dispose_engine(ana)
    src = Repository(ana)
    src.update_event(src.find_event_by_uid(uid).id, {"fatalities": 8})
    src.close()
    dialog = _merge(qtbot, window, [str(ana)])
    assert "1 conflict" in dialog.outcome.text()
    assert dialog.conflicts.isVisibleTo(dialog) and dialog.conflicts.rowCount() == 1
    assert dialog.conflicts.item(0, 2).text() == uid
    assert "fatalities: 7 \u2192 8" in dialog.conflicts.item(0, 3).text()
    assert small_repo.find_event_by_uid(uid).fatalities == 7


def test_a_source_that_cannot_be_merged_is_told_in_the_dialog(qtbot, window, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dialog = window.team.merge()
    missing = tmp_path / "gone.sqlite"
    dialog.add_sources([str(missing)])
    dialog.merge_button.click()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=30000)
    assert "Merge stopped" in dialog.outcome.text() and "no such workspace file" in dialog.outcome.text()
    assert dialog.result is None
    # A server workspace typed in the box is a source too; Enter adds it (and presses no button).
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: pytest.fail("file dialog opened"))
    dialog.url.setText("postgresql://nobody@localhost:1/none")
    qtbot.keyClick(dialog.url, Qt.Key.Key_Return)
    assert dialog.source_list()[-1] == "postgresql://nobody@localhost:1/none" and dialog.job is None
    dialog.add_sources(["postgresql://ana:secret@localhost:1/ws"])
    assert dialog.sources.item(dialog.sources.count() - 1).text() == "postgresql://ana:***@localhost:1/ws"
    assert dialog.source_list()[-1] == "postgresql://ana:secret@localhost:1/ws"


def test_a_job_starting_during_a_message_does_not_draw_the_counts_under_it(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    bar = window.status
    bar.showMessage("Assigned 6 articles", 5000)
    assert not bar.counts.isVisible()
    job_widget = QLabel("a job", bar)
    bar.addPermanentWidget(job_widget)  # as ui.jobs.progress does for each job
    qtbot.wait(50)
    assert not bar.counts.isVisible()
    bar.removeWidget(job_widget)
    qtbot.wait(50)
    assert not bar.counts.isVisible()
    bar.clearMessage()
    qtbot.waitUntil(bar.counts.isVisible)


# ---- the coder filter under the list, on both engines -------------------------------------
def test_a_coders_filter_lists_their_articles_in_list_order_on_both_engines(db_url: str) -> None:
    from storage.models import ArticleStatus
    from storage.repository import ArticleFilter

    repo = Repository(db_url)
    ids = repo.add_articles([ArticleIn(text=f"{TEXT} ({i})", title=f"T{i} {'ambush' if i % 3 else 'raid'}",
                                       source=("Wire", "Daily")[i % 2],
                                       published=None if i == 4 else dt.date(2024, 1, 1) + dt.timedelta(days=i % 7))
                             for i in range(20)]).added_ids
    # ana: most articles (the list is walked in order); ben: two (joined from his assignments).
    repo.assign([(i, "ana") for i in ids[:15]] + [(ids[3], "ben"), (ids[4], "ben")])
    for k, aid in enumerate(ids[:15]):
        repo.set_coder_status(aid, "ana", (ArticleStatus.NEW, ArticleStatus.CODED, ArticleStatus.FLAGGED)[k % 3].value)
    everything = repo.article_ids()
    for coder, statuses, source, search in (("ana", (), "", ""), ("ana", ("new", "in_progress"), "", ""),
                                             ("ana", ("flagged",), "Wire", ""), ("ana", (), "", "ambush"),
                                             ("ben", (), "", ""), ("ben", ("new",), "Daily", ""), ("cem", (), "", "")):
        got = repo.article_ids(ArticleFilter(statuses=statuses, source=source, search=search, coder=coder))
        want = [i for i in everything if repo.coder_status(i, coder) is not None
                and (not statuses or repo.coder_status(i, coder) in statuses)
                and (not source or repo.get_article(i).source == source)
                and (not search or search in repo.get_article(i).title)]
        assert got == want, (coder, statuses, source, search)
        assert repo.count_articles(ArticleFilter(statuses=statuses, source=source, search=search, coder=coder)) == len(want)
    assert repo.article_ids(ArticleFilter(coder="ana", statuses=("new", "in_progress"))) == \
        repo.coder_article_ids("ana", ("new", "in_progress"))
    repo.close()
