"""The reader panel: highlights on exactly the right characters, entity keys editing the
database, undo/redo, the learning hook, and article text that is never rendered as markup."""
from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QTextCursor, QUndoStack
from PySide6.QtWidgets import QApplication

from storage.models import EntitySpan
from storage.repository import ArticleIn, Repository
from ui.reader.panel import ReaderPanel
from ui.undo import WorkspaceSignals

TEXT = ("\ufeffProtesters 😀 gathered in Kyiv 🇺🇦 on Tuesday.\r\n"
        "Близько 300 людей у Києві.\r\n\r\n"
        "Cafe\u0301 owner Jose\u0301 said: 👍🏽 police in بغداد arrested 5.\rThen Lviv\u2028and Odesa.\n")
WORDS = [("Kyiv", "GPE"), ("Tuesday", "DATE"), ("300", "CARDINAL"), ("Києві", "GPE"),
         ("Jose\u0301", "PERSON"), ("بغداد", "GPE"), ("5", "CARDINAL"), ("Lviv", "GPE"), ("Odesa", "GPE")]


def _qt_text(fragment: str) -> str:
    return fragment.replace("\r\n", "\u2029").replace("\r", "\u2029").replace("\n", "\u2029")


def _spans(article_id: int) -> list[EntitySpan]:
    out = []
    for word, label in WORDS:
        start = TEXT.index(word) if word != "5" else TEXT.index(" 5.") + 1
        out.append(EntitySpan(article_id=article_id, start=start, end=start + len(word), label=label,
                              origin="model", model_name="en_core_web_sm"))
    return out


@pytest.fixture
def setup(qtbot: Any, repo: Repository) -> tuple[ReaderPanel, Repository, QUndoStack, int]:
    aid = repo.add_article(ArticleIn(text=TEXT, title="Kyiv <b>protests</b>", source="Wire"))
    assert aid is not None
    repo.add_spans(_spans(aid))
    stack = QUndoStack()
    panel = ReaderPanel(repo, stack, WorkspaceSignals(), "ana")
    qtbot.addWidget(panel)
    panel.resize(900, 600)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel)  # shortcuts need it
    panel.set_article(repo.get_bundle(aid))
    panel.view.setFocus()
    return panel, repo, stack, aid


def _key(qtbot: Any, panel: ReaderPanel, key: Qt.Key) -> None:
    qtbot.keyClick(panel.view, key)


def _by_start(repo: Repository, aid: int) -> dict[int, EntitySpan]:
    return {s.start: s for s in repo.spans(aid)}


def test_highlights_sit_on_the_exact_characters(setup: Any) -> None:
    panel, repo, _, aid = setup
    for span in repo.spans(aid):
        assert panel.view.highlight_text(span.id) == _qt_text(TEXT[span.start:span.end])
    # What is painted: the highlighter's formats in each block layout cover the same text.
    painted = _painted_texts(panel)
    assert sorted(painted) == sorted(_qt_text(TEXT[s.start:s.end]) for s in repo.spans(aid))


def test_article_markup_is_shown_as_literal_text(qtbot: Any, repo: Repository) -> None:
    text = "<b>bold</b><script>alert(1)</script> &amp; <i>x</i>\r\n<h1>Title</h1>"
    aid = repo.add_article(ArticleIn(text=text, title="<b>Bold title</b>"))
    panel = ReaderPanel(repo, QUndoStack(), WorkspaceSignals(), "ana")
    qtbot.addWidget(panel)
    panel.set_article(repo.get_bundle(aid))
    assert panel.view.toPlainText() == text.replace("\r\n", "\n")
    assert panel.title.text() == "<b>Bold title</b>"
    assert panel.title.textFormat() == Qt.TextFormat.PlainText
    cursor = QTextCursor(panel.view.document())
    cursor.setPosition(4)  # inside "bold"
    assert not cursor.charFormat().font().bold()


def test_walk_and_accept_reject_by_key(qtbot: Any, setup: Any) -> None:
    panel, repo, _, aid = setup
    _key(qtbot, panel, Qt.Key.Key_Right)
    first = panel.current_span()
    assert first is not None and TEXT[first.start:first.end] == "Kyiv"
    _key(qtbot, panel, Qt.Key.Key_A)
    assert _by_start(repo, aid)[first.start].state == "accepted"
    assert _by_start(repo, aid)[first.start].coder == "ana"
    second = panel.current_span()  # moved on by itself
    assert second is not None and TEXT[second.start:second.end] == "Tuesday"
    _key(qtbot, panel, Qt.Key.Key_R)
    assert _by_start(repo, aid)[second.start].state == "rejected"
    _key(qtbot, panel, Qt.Key.Key_K)  # back to the rejected one
    assert panel.current_span().start == second.start
    _key(qtbot, panel, Qt.Key.Key_U)  # restore
    assert _by_start(repo, aid)[second.start].state == "suggested"
    _key(qtbot, panel, Qt.Key.Key_J)
    third = panel.current_span()
    _key(qtbot, panel, Qt.Key.Key_Delete)
    assert third.start not in _by_start(repo, aid)
    assert len(repo.spans(aid)) == len(WORDS) - 1


def test_undo_redo_restores_what_the_database_holds(qtbot: Any, setup: Any) -> None:
    panel, repo, stack, aid = setup
    before = [(s.id, s.start, s.end, s.label, s.state) for s in repo.spans(aid)]
    _key(qtbot, panel, Qt.Key.Key_Right)
    _key(qtbot, panel, Qt.Key.Key_A)
    _key(qtbot, panel, Qt.Key.Key_R)
    _key(qtbot, panel, Qt.Key.Key_Delete)
    panel.relabel(panel.current_span(), "LOC")
    after = [(s.id, s.start, s.end, s.label, s.state) for s in repo.spans(aid)]
    assert after != before and stack.count() == 4
    while stack.canUndo():
        stack.undo()
    assert [(s.id, s.start, s.end, s.label, s.state) for s in repo.spans(aid)] == before
    # and the panel shows the database again
    assert [s.id for s in panel._spans] == [b[0] for b in before]
    while stack.canRedo():
        stack.redo()
    assert [(s.id, s.start, s.end, s.label, s.state) for s in repo.spans(aid)] == after


def test_add_span_from_selection_by_number_key(qtbot: Any, setup: Any) -> None:
    panel, repo, stack, aid = setup
    view = panel.view
    # Select " Protesters 😀" by Qt positions, ending inside the emoji's surrogate pair and
    # starting on a space: the span must be whole characters and trimmed.
    m = view.offsets
    start_cp = TEXT.index("Protesters") - 1  # the BOM is dropped by Qt: select from 0
    cursor = QTextCursor(view.document())
    cursor.setPosition(m.to_qt(start_cp))
    cursor.setPosition(m.to_qt(TEXT.index("😀")) + 1, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    _key(qtbot, panel, Qt.Key.Key_4)  # 4 = PERSON (fixed order: GPE LOC FAC PERSON ...)
    added = [s for s in repo.spans(aid) if s.origin == "coder"]
    assert len(added) == 1
    span = added[0]
    assert TEXT[span.start:span.end] == "Protesters 😀"
    assert (span.label, span.state, span.coder) == ("PERSON", "accepted", "ana")
    assert panel.current_span().id == span.id
    stack.undo()
    assert not [s for s in repo.spans(aid) if s.origin == "coder"]
    stack.redo()
    assert [s.id for s in repo.spans(aid) if s.origin == "coder"] == [span.id]


def test_selection_over_a_suggestion_replaces_it_in_one_undo_step(qtbot: Any, setup: Any) -> None:
    panel, repo, stack, aid = setup
    start = TEXT.index("Kyiv")
    panel.view.select_range(start - 3, start + 4)  # "in Kyiv"
    _key(qtbot, panel, Qt.Key.Key_2)  # LOC
    spans = repo.spans(aid)
    assert [(TEXT[s.start:s.end], s.label) for s in spans if s.start <= start < s.end] == [("in Kyiv", "LOC")]
    stack.undo()
    assert [(TEXT[s.start:s.end], s.label) for s in repo.spans(aid) if s.start <= start < s.end] == [("Kyiv", "GPE")]
    # Selecting exactly an existing span with another number relabels it.
    panel.view.select_range(start, start + 4)
    _key(qtbot, panel, Qt.Key.Key_2)
    kyiv = _by_start(repo, aid)[start]
    assert (kyiv.label, kyiv.state) == ("LOC", "accepted")


def test_relabel_menu_picks_by_number(qtbot: Any, setup: Any) -> None:
    panel, repo, _, aid = setup
    _key(qtbot, panel, Qt.Key.Key_Right)
    span = panel.current_span()

    tries = []

    def pick() -> None:
        menu = QApplication.activePopupWidget()
        if menu is None:  # not shown yet: look again (never leave a modal menu open)
            tries.append(1)
            if len(tries) < 200:
                QTimer.singleShot(10, pick)
            return
        qtbot.keyClick(menu, Qt.Key.Key_3)  # FAC

    QTimer.singleShot(0, pick)
    # If the digit never reaches the menu, close it so the test fails instead of hanging.
    QTimer.singleShot(5000, lambda: QApplication.activePopupWidget() and QApplication.activePopupWidget().close())
    _key(qtbot, panel, Qt.Key.Key_L)
    relabeled = _by_start(repo, aid)[span.start]
    assert (relabeled.label, relabeled.state) == ("FAC", "accepted")


def test_click_and_use_emit_the_span(qtbot: Any, setup: Any) -> None:
    panel, repo, _, aid = setup
    target = next(s for s in repo.spans(aid) if s.label == "DATE")
    rects = panel.view.range_rects(*panel.view.offsets.range_to_qt(target.start, target.end))
    with qtbot.waitSignal(panel.highlightActivated) as blocker:
        qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rects[0].center().toPoint())
    assert blocker.args[0].id == target.id
    assert panel.current_span().id == target.id
    with qtbot.waitSignal(panel.highlightActivated) as blocker:
        _key(qtbot, panel, Qt.Key.Key_Space)
    assert blocker.args[0].id == target.id
    # Clicking plain text activates nothing.
    with qtbot.assertNotEmitted(panel.highlightActivated):
        qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(880, 580))


def test_legend_hides_a_label_and_walking_skips_it(qtbot: Any, setup: Any) -> None:
    panel, repo, _, aid = setup
    chip = panel.legend._chips["GPE"]
    qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)
    assert "GPE" in panel.legend.hidden_labels()
    assert all(p.span.label != "GPE" for p in panel.view._placed)
    labels = []
    for _ in range(len(WORDS)):
        _key(qtbot, panel, Qt.Key.Key_Right)
        labels.append(panel.current_span().label)
    assert "GPE" not in labels


def test_show_evidence_marks_the_text(setup: Any) -> None:
    panel, _, _, _ = setup
    start = TEXT.index("Близько")
    panel.show_evidence(start, start + len("Близько 300"))
    assert panel.view.evidence_text() == "Близько 300"


def test_learning_hook_records_and_forgets(qtbot: Any, setup: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    panel, repo, stack, aid = setup
    calls: list[tuple[str, str, str, Any]] = []
    fake = types.ModuleType("coding.learned")
    fake.record_decision = lambda repo, text, span, decision, old_label=None, coder=None: calls.append(  # type: ignore[attr-defined]
        ("record", decision, text[span.start:span.end], old_label))
    fake.forget_decision = lambda repo, text, span, decision, old_label=None, coder=None: calls.append(  # type: ignore[attr-defined]
        ("forget", decision, text[span.start:span.end], old_label))
    monkeypatch.setitem(sys.modules, "coding.learned", fake)
    import coding

    monkeypatch.setattr(coding, "learned", fake, raising=False)
    _key(qtbot, panel, Qt.Key.Key_Right)
    _key(qtbot, panel, Qt.Key.Key_A)  # Kyiv
    _key(qtbot, panel, Qt.Key.Key_R)  # Tuesday
    panel.relabel(panel.current_span(), "QUANTITY")  # 300
    stack.undo()
    assert calls == [("record", "accept", "Kyiv", None), ("record", "reject", "Tuesday", None),
                     ("record", "relabel", "300", "CARDINAL"), ("forget", "relabel", "300", "CARDINAL")]


def test_no_article_disables_the_keys(qtbot: Any, repo: Repository) -> None:
    panel = ReaderPanel(repo, QUndoStack(), WorkspaceSignals(), "ana")
    qtbot.addWidget(panel)
    assert all(not a.isEnabled() for a in panel.actions())
    keys = {a.shortcut().toString() for a in panel.actions()}
    assert {"Right", "A", "R", "L", "Del", "U", "1", "9", "Space", "Alt+Right"} <= keys


def test_decisions_teach_the_workspace_and_undo_unteaches(qtbot: Any, setup: Any) -> None:
    pytest.importorskip("coding.learned")
    panel, repo, stack, aid = setup
    _key(qtbot, panel, Qt.Key.Key_Right)
    _key(qtbot, panel, Qt.Key.Key_A)  # accept Kyiv
    _key(qtbot, panel, Qt.Key.Key_R)  # reject Tuesday
    learned = {(p.text, p.label, p.polarity) for p in repo.patterns()}
    assert {("Kyiv", "GPE", "accept"), ("Tuesday", "DATE", "reject")} <= learned
    stack.undo()
    stack.undo()
    assert not repo.patterns()


def test_tooltip_escapes_markup_and_names_the_label() -> None:
    from ui.reader.view import span_tooltip

    text = "He said <b>bold</b> in Kyiv"
    span = EntitySpan(article_id=1, start=8, end=19, label="GPE", state="suggested", origin="model",
                      model_name="en_core_web_sm")
    tip = span_tooltip(span, text)
    assert "&lt;b&gt;bold&lt;/b&gt;" in tip and "<b>bold</b>" not in tip
    assert "Place (GPE)" in tip and "suggested" in tip and "en_core_web_sm" in tip


def test_label_colours_are_stable_and_grouped_by_role() -> None:
    from ui.reader.legend import human_name, label_color, number_key, ordered_labels, role_of

    assert label_color("GPE") == label_color("GPE")
    assert len({label_color(l).name() for l in ("GPE", "LOC", "FAC", "PERSON", "ORG", "NORP",
                                                 "DATE", "TIME", "CARDINAL")}) == 9
    assert role_of("LOC") == "place" and role_of("NORP") == "actor" and role_of("WEAPON") == "other"
    assert label_color("WEAPON").name() == label_color("WEAPON").name()  # unknown labels too
    assert human_name("GPE") == "Place (GPE)" and human_name("WEAPON") == "WEAPON"
    labels = ordered_labels(["WEAPON", "GPE"])
    assert labels[:3] == ["GPE", "LOC", "FAC"] and labels[-1] == "WEAPON"
    assert number_key(labels, "GPE") == 1 and number_key(labels, "WEAPON") is None


def test_the_legend_colours_each_label_by_the_role_coding_gives_it() -> None:
    """One table of label -> role: a highlight coloured as a count can fill a count field."""
    from coding.suggest import role_of as coding_role
    from ui.reader.legend import role_of

    for label in ("GPE", "LOC", "FAC", "PERSON", "ORG", "NORP", "DATE", "TIME", "CARDINAL", "QUANTITY",
                  "MONEY", "PERCENT", "ORDINAL", "EVENT"):
        assert role_of(label) == (coding_role(label) or "other"), label


def test_undo_makes_the_reverted_span_current(qtbot: Any, setup: Any) -> None:
    panel, repo, stack, aid = setup
    _key(qtbot, panel, Qt.Key.Key_Right)
    first = panel.current_span()
    _key(qtbot, panel, Qt.Key.Key_A)
    _key(qtbot, panel, Qt.Key.Key_J)
    assert panel.current_span().id != first.id
    stack.undo()
    assert panel.current_span().id == first.id
    assert _by_start(repo, aid)[first.start].state == "suggested"


@pytest.mark.parametrize("base", ["#f4f5f7", "#ffffff", "#2b2d31"])
def test_legend_chip_text_is_readable_on_every_label_colour(qtbot: Any, base: str) -> None:
    """Every chip (with highlights, with none, hidden) keeps its text readable (WCAG AA 4.5:1)
    on its own background, dark label shades and dark themes included."""
    from PySide6.QtGui import QColor, QPalette

    from ui.reader.legend import ROLE_SHADES, LegendBar, chip_colours, contrast

    labels = ["GPE", "LOC", "FAC", "PERSON", "ORG", "NORP", "DATE", "TIME", "CARDINAL", "MONEY", "EVENT", "LAW"]
    for label in labels:
        for count in (0, 3):
            for shown in (True, False):
                c = chip_colours(label, count, shown, QColor(base))
                assert contrast(c.text, c.background) >= 4.5, (label, count, shown, base)
    # Faded when empty: the zero-count chip is closer to the background than a counted one.
    full, empty = chip_colours("FAC", 4, True, QColor(base)), chip_colours("FAC", 0, True, QColor(base))
    assert contrast(empty.background, QColor(base)) < contrast(full.background, QColor(base))
    assert ROLE_SHADES["place"][2] == "#1F3F8F"  # the dark shade the bug was seen on
    # The widget uses these colours, read from the legend's palette.
    legend = LegendBar()
    qtbot.addWidget(legend)
    palette = legend.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(base))
    legend.setPalette(palette)
    legend.set_counts({"FAC": 0, "GPE": 2})
    chip = legend._chips["FAC"]
    assert contrast(chip.colours.text, chip.colours.background) >= 4.5
    assert chip.colours.text.name() in chip.styleSheet()


@pytest.mark.parametrize("text", [TEXT, "no break", "", "\r\n", "a\r\rb\n\nc\u2029d\u2028e\r\n", "\ufeff😀\r\nx\n",
                                  "end with a break\n", "<\ufdd0>\ufdd1\r"])
def test_block_starts_are_where_qt_starts_each_block(qtbot: Any, text: str) -> None:
    """The highlights are cut into blocks before the text goes in, from the text alone: the
    cut must be Qt's own."""
    from ui.offsets import OffsetMap, display_text
    from ui.reader.view import ReaderView, block_starts

    view = ReaderView()
    qtbot.addWidget(view)
    view.setPlainText(display_text(text))
    block, qt = view.document().begin(), []
    while block.isValid():
        qt.append(block.position())
        block = block.next()
    assert block_starts(text, OffsetMap.build(text)) == qt


def test_switching_articles_paints_each_ones_highlights_once(qtbot: Any, repo: Repository) -> None:
    """Switching to another article and back draws its highlights (one across a line break
    too) on the same characters, and nothing of the article shown before."""
    texts = ["Shelling in Kharkiv\r\nand Sumy 😀 today.\n", "Kyiv, Lviv\rOdesa\u2029Dnipro."]
    ids = []
    for text, words in zip(texts, (["Kharkiv\r\nand", "Sumy", "today"], ["Kyiv", "Lviv\rOdesa", "Dnipro"])):
        aid = repo.add_article(ArticleIn(text=text, title=words[0]))
        repo.add_spans([EntitySpan(article_id=aid, start=text.index(w), end=text.index(w) + len(w), label="GPE")
                        for w in words])
        ids.append(aid)
    panel = ReaderPanel(repo, QUndoStack(), WorkspaceSignals(), "ana")
    qtbot.addWidget(panel)
    panel.show()
    for aid in (ids[0], ids[1], ids[0], ids[1]):
        bundle = repo.get_bundle(aid)
        panel.set_article(bundle)
        painted = _painted_texts(panel)
        text = bundle.article.text
        expected = [part for s in bundle.spans for part in _qt_text(text[s.start:s.end]).split("\u2029")]
        assert sorted(painted) == sorted(expected)


def test_span_fields_reads_what_the_attributes_say(repo: Repository) -> None:
    """The reader's fast read of a span (its instance dict) says what the ORM attributes say,
    for a stored span, one made in memory and one whose attributes were expired."""
    from sqlmodel import Session

    from ui.reader.view import span_fields

    aid = repo.add_article(ArticleIn(text=TEXT, title="t"))
    repo.add_spans(_spans(aid))
    fresh = EntitySpan(article_id=aid, start=3, end=9, label="ORG")
    stored = repo.spans(aid)
    with Session(repo.engine) as s:
        expired = s.get(EntitySpan, stored[0].id)
        s.expire(expired)
        assert span_fields(expired) == (expired.start, expired.end, expired.id, expired.label, expired.state)
    for span in [*stored, fresh]:
        assert span_fields(span) == (span.start, span.end, span.id, span.label, span.state)
    assert span_fields(fresh) == (3, 9, None, "ORG", "suggested")


def test_a_re_read_that_finds_nothing_new_repaints_nothing(qtbot: Any, setup: Any) -> None:
    """The window re-reads the open article whenever another program (the suggester) commits:
    the same highlights again must not repaint the reader; a changed one must."""
    from PySide6.QtCore import QEvent, QObject

    from ui.undo import Change

    panel, repo, _, aid = setup

    class Paints(QObject):
        count = 0

        def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    paints = Paints()
    panel.view.viewport().installEventFilter(paints)
    qtbot.wait(50)
    paints.count = 0
    panel.signals.changed.emit(Change(aid))
    qtbot.wait(50)
    assert paints.count == 0
    span = repo.spans(aid)[0]
    repo.update_span(span.id, state="accepted")
    panel.signals.changed.emit(Change(aid))
    qtbot.waitUntil(lambda: paints.count > 0)


def test_suggestions_arriving_for_the_open_article_paint_on_their_characters(qtbot: Any, repo: Repository) -> None:
    """An article shown without highlights gets all of them at once (most blocks change: one
    pass over the document): each sits on its characters."""
    from ui.undo import Change

    text = "".join(f"Line {i} in Kyiv and Lviv 😀.\r\n" for i in range(30))
    aid = repo.add_article(ArticleIn(text=text, title="later"))
    signals = WorkspaceSignals()
    panel = ReaderPanel(repo, QUndoStack(), signals, "ana")
    qtbot.addWidget(panel)
    panel.show()
    panel.set_article(repo.get_bundle(aid))
    starts = [i for i in range(len(text)) if text.startswith(("Kyiv", "Lviv"), i)]
    repo.add_spans([EntitySpan(article_id=aid, start=i, end=i + 4, label="GPE") for i in starts])
    signals.changed.emit(Change(aid))
    painted = _painted_texts(panel)
    assert sorted(painted) == sorted(text[i:i + 4] for i in starts) and len(painted) == 60


def _painted_texts(panel: Any) -> list[str]:
    """The text under each highlight format Qt laid out in the reader, block by block."""
    doc, painted = panel.view.document(), []
    block = doc.begin()
    while block.isValid():
        for r in block.layout().formats():
            cursor = QTextCursor(doc)
            cursor.setPosition(block.position() + r.start)
            cursor.setPosition(block.position() + r.start + r.length, QTextCursor.MoveMode.KeepAnchor)
            painted.append(cursor.selectedText())
        block = block.next()
    return painted
