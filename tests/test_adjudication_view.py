"""The adjudication view: two coders' versions side by side with their evidence; keyboard
choices make the gold event with its sources; taking a side and saving are undoable."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from services.adjudication import Edited
from tests.test_agreement_window import CLASH, team_workspace
from ui.team.adjudication_model import VersionFieldsModel


def _open(window: Any, qtbot: Any, article_id: int) -> Any:
    view = window.team.show_adjudication(article_id, "ana", "ben")
    qtbot.waitUntil(view.isActiveWindow)  # its keys are the window's shortcuts
    assert view.article_id == article_id and view.coders == ("ana", "ben")
    return view


def _go_to(view: Any, qtbot: Any, name: str) -> None:
    """Walk to a field with Down/J as the adjudicator would."""
    table = view.table
    table.setCurrentIndex(view.model.index(0, VersionFieldsModel.GOLD))
    for _ in range(view.model.rowCount()):
        if view.current_field() == name:
            return
        qtbot.keyClick(table, Qt.Key.Key_J)
    raise AssertionError(f"{name} not reached")


def test_versions_side_by_side_with_evidence(window, qtbot, qtmodeltester) -> None:
    ids = team_workspace(window.repo)
    view = _open(window, qtbot, ids["clash"])
    qtmodeltester.check(view.model)
    # The pair first (1 field differs), then the protest only ben found.
    assert view.version_list.count() == 2
    assert "both, 1 differ" in view.version_list.item(0).text()
    assert "only ben" in view.version_list.item(1).text()
    # The differing field comes first on screen, marked; the others with a value are listed.
    assert view.current_field() == "fatalities"
    row = view.model.row_of("fatalities")
    assert view.model.data(view.model.index(row, VersionFieldsModel.FIELD)).startswith("≠")
    assert view.model.data(view.model.index(row, VersionFieldsModel.A)) == "4"
    assert view.model.data(view.model.index(row, VersionFieldsModel.B)) == "5"
    assert view.model.data(view.model.index(row, VersionFieldsModel.GOLD)) == "4"
    assert view.model.data(view.model.index(row, VersionFieldsModel.FROM)) == "A (default)"
    place = view.model.row_of("location")
    assert not view.model.data(view.model.index(place, VersionFieldsModel.FIELD)).startswith("≠")
    # Both coders' evidence drawn, the current field's (fatalities: ana's "four") emphasised.
    four, goma = CLASH.index("four"), CLASH.index("Goma")
    assert sorted(view.evidence.marked) == sorted([
        ("a", four, four + 4, True), ("a", goma, goma + 4, False), ("b", goma, goma + 4, False),
        ("b", 0, 7, False)])
    _go_to(view, qtbot, "location")
    assert {m for m in view.evidence.marked if m[3]} == {("a", goma, goma + 4, True), ("b", goma, goma + 4, True)}
    assert view.evidence.textCursor().position() == goma  # scrolled to it


def test_keyboard_choices_make_the_gold_event_and_undo_removes_it(window, qtbot) -> None:
    repo = window.repo
    ids = team_workspace(repo)
    view = _open(window, qtbot, ids["clash"])
    pair = view.current()
    assert view.current_field() == "fatalities"
    qtbot.keyClick(view.table, Qt.Key.Key_Right)  # take ben's 5; on to the next field
    assert view.choices[view.key(pair)] == {"fatalities": "b"}
    fatalities = view.model.row_of("fatalities")
    assert view.model.data(view.model.index(fatalities, VersionFieldsModel.GOLD)) == "5"
    assert view.model.data(view.model.index(fatalities, VersionFieldsModel.FROM)) == "B"
    _go_to(view, qtbot, "location")
    qtbot.keyClick(view.table, Qt.Key.Key_BracketRight)  # ben's spelling and evidence
    assert view.model.row_of("notes") < 0  # empty on both sides: shown when all fields are
    view.show_all.setChecked(True)
    _go_to(view, qtbot, "notes")
    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # Enter types the gold value
    editor = view.table.findChild(QLineEdit, "goldText")
    assert editor is not None and editor.isVisible()
    editor.setText("four or five; the later report says five")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits it a moment later
    qtbot.waitUntil(lambda: "notes" in view.choices[view.key(pair)])
    assert view.choices[view.key(pair)]["notes"] == Edited("four or five; the later report says five")
    assert view.table.state() != view.table.State.EditingState

    # Taking a side is undone like any edit, and redone.
    qtbot.keyClick(view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "notes" not in view.choices[view.key(pair)]
    window.undo_stack.redo()
    assert isinstance(view.choices[view.key(pair)]["notes"], Edited)

    with qtbot.waitSignal(view.saved) as saved:
        qtbot.keyClick(view.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    gold = saved.args[0]
    assert gold.gold and gold.coder == "tester"
    assert gold.sources == [pair.a.event.uid, pair.b.event.uid]
    assert gold.fatalities == 5 and gold.location == "goma" and gold.event_type == "Battles"
    assert gold.notes.startswith("four or five")
    (stored,) = repo.gold_events(ids["clash"])
    goma = CLASH.index("Goma")
    # Evidence follows the side taken: location from ben; fatalities from ben (none); the type agreed: ana's (none).
    assert {k: (e.start, e.end) for k, e in stored.evidence.items()} == {"location": (goma, goma + 4)}
    assert [s.event.coder for s in repo.gold_sources(stored.event)] == ["ana", "ben"]
    assert repo.is_adjudicated(ids["clash"])
    # On to the next open version: the protest only ben found.
    assert view.index == 1 and view.current().a is None
    assert "gold saved" in view.version_list.item(0).text()
    assert "adjudicated" in view.article_list.currentItem().text()

    # Undo (here or in the main window) deletes the gold event and unmarks the article.
    window.undo_stack.undo()
    window.writer.wait_idle(30)  # undo is written off the GUI thread; the view follows when stored
    assert repo.gold_events(ids["clash"]) == [] and not repo.is_adjudicated(ids["clash"])
    qtbot.waitUntil(lambda: "gold saved" not in view.version_list.item(0).text())
    assert "not adjudicated" in view.article_list.currentItem().text()
    window.undo_stack.redo()
    window.writer.wait_idle(30)
    (again,) = repo.gold_events(ids["clash"])
    assert again.event.sources == gold.sources and again.event.fatalities == 5


def test_one_sided_event_taken_whole_or_dropped(window, qtbot) -> None:
    repo = window.repo
    ids = team_workspace(repo)
    view = _open(window, qtbot, ids["butembo"])  # only ana coded an event here
    assert view.version_list.count() == 1 and view.current().b is None
    qtbot.keyClick(view.table, Qt.Key.Key_Right)  # ben has no version: nothing taken
    assert "no version" in view.message.text() and not view.choices[view.key(view.current())]
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)  # dropped: no gold event, the article is done
    window.writer.wait_idle(30)  # the mark is written off the GUI thread
    assert repo.gold_events(ids["butembo"]) == [] and repo.is_adjudicated(ids["butembo"])
    assert view.article_id != ids["butembo"]  # on to the next article not adjudicated
    window.undo_stack.undo()
    window.writer.wait_idle(30)
    assert not repo.is_adjudicated(ids["butembo"])
    qtbot.waitUntil(lambda: view.article_id == ids["butembo"])
    assert "dropped" not in view.version_list.item(0).text()

    # Taken whole: Ctrl+Return makes the gold event from ana's alone.
    source = view.versions[0].a.event.uid
    with qtbot.waitSignal(view.saved) as saved:
        qtbot.keyClick(view.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    gold = saved.args[0]
    assert gold.sources == [source] and gold.event_type == "Violence against civilians"


def test_a_typed_value_is_checked_against_the_field(window, qtbot) -> None:
    ids = team_workspace(window.repo)
    view = _open(window, qtbot, ids["clash"])
    assert view.current_field() == "fatalities"
    view.model.setData(view.model.index(view.model.row_of("fatalities"), VersionFieldsModel.GOLD), "five")
    assert "not a whole number" in view.message.text()
    assert "fatalities" not in view.choices[view.key(view.current())]
    view.model.setData(view.model.index(view.model.row_of("fatalities"), VersionFieldsModel.GOLD), " 6 ")
    assert view.choices[view.key(view.current())]["fatalities"] == Edited(6)


def test_team_menu_opens_both_windows_on_the_open_article(window, qtbot) -> None:
    ids = team_workspace(window.repo)
    window.open_article(ids["riot"])
    team = next(m for m in window.menus if m.title() == "&Team")
    actions = {a.text(): a for a in team.actions()}
    actions["&Adjudicate article…"].trigger()
    view = window.team.adjudication
    assert view.isVisible() and view.article_id == ids["riot"]
    assert [view.article_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(view.article_list.count())] == \
        list(ids.values())
    actions["Agreement &report…"].trigger()
    qtbot.waitUntil(lambda: window.team.report.view is not None, timeout=15000)
    assert window.team.report.isVisible()


def test_blind_mode_keeps_a_coder_from_adjudicating_their_own_article(window, qtbot) -> None:
    repo = window.repo
    ids = team_workspace(repo)
    repo.assign([(ids["beni"], "tester")])  # the window's coder codes this one too
    repo.set_blind_mode(True)
    view = window.team.show_adjudication(ids["beni"], "ana", "ben")
    assert view.versions == [] and view.model.rowCount() == 0 and view.evidence.toPlainText() == ""
    assert "blind mode is on" in view.message.text()
    view.open_article(ids["riot"], "ana", "ben")  # not theirs: open to them
    assert view.versions and "Bunia" in view.evidence.toPlainText()


def test_saving_gold_never_waits_for_the_workspace(window, qtbot) -> None:
    """Another program holds the write lock (a long import batch): Ctrl+Return shows the gold
    event saved and goes on at once; the gold event is written when the lock is released."""
    import time

    from tests.test_writer import Lock

    repo = window.repo
    ids = team_workspace(repo)
    view = _open(window, qtbot, ids["butembo"])  # one version: saving it decides the article
    lock = Lock(repo)
    try:
        start = time.perf_counter()
        qtbot.keyClick(view.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        took = time.perf_counter() - start
        assert took < 5, f"saving the gold event waited {took:.2f} s for the workspace"
        assert repo.gold_events(ids["butembo"]) == []  # not written yet
        assert view.article_id != ids["butembo"]  # on to the next article not adjudicated
        butembo = next(a for a in view.articles if a.article_id == ids["butembo"])
        assert butembo.adjudicated  # the list says so already
    finally:
        lock.release()
    with qtbot.waitSignal(view.saved, timeout=30000) as saved:
        pass
    assert saved.args[0].gold and saved.args[0].article_id == ids["butembo"]
    assert repo.is_adjudicated(ids["butembo"]) and len(repo.gold_events(ids["butembo"])) == 1
    assert next(a for a in view.articles if a.article_id == ids["butembo"]).adjudicated
