"""Team > Adjudicate article: two coders' versions side by side, field by field, their evidence
in the text; the adjudicator takes a side per field (or types a value) from the keyboard and
saves a gold event recording its sources. Every step is undoable on the window's undo stack."""
from __future__ import annotations

from dataclasses import replace
from itertools import combinations
from typing import Any, Optional

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QListWidgetItem, QWidget,
)

from coding.codebook import default_codebook, find_codebook
from services.adjudication import DoubleCoded, Edited, Version, article_versions, double_coded_articles, parse_gold_value
from ui.actions import make_action
from ui.team.adjudication_model import (
    DROP, ChoiceCommand, MarkAdjudicatedCommand, SaveGoldCommand, VersionFieldsModel, VersionKey, gold_of,
)
from ui.team.adjudication_panes import build_panes
from ui.team.gold_editor import GoldDelegate
from ui.undo import Change, WorkspaceSignals

def version_key(article_id: int, version: Version) -> VersionKey:
    return article_id, tuple(version.sources)


class AdjudicationWindow(QWidget):
    """One article at a time; `open_article(id, a, b)` shows it (the report's double-click)."""

    saved = Signal(object)  # the gold Event, after a save (tests wait for it)

    def __init__(self, repo: Any, undo_stack: QUndoStack, signals: WorkspaceSignals, adjudicator: str,
                 parent: Optional[QWidget] = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("adjudication")
        self.setWindowTitle("Adjudication — Chronicler")
        self.repo, self.undo_stack, self.signals, self.adjudicator = repo, undo_stack, signals, adjudicator
        self.articles: list[DoubleCoded] = []
        self.article_id: Optional[int] = None
        self.text = ""
        self.coders: tuple[str, str] = ("", "")
        self.versions: list[Version] = []
        self.index = -1  # the version shown
        self.gold_sources: set[tuple[str, ...]] = set()
        # Articles a queued gold save or mark makes adjudicated, by command, until it is written.
        self._unstored: dict[int, int] = {}
        self.choices: dict[VersionKey, dict[str, Any]] = {}
        self.specs: dict[str, Any] = {}
        self._build()
        self._actions()
        signals.changed.connect(self._changed)
        self.resize(1280, 760)

    # ---- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        panes = build_panes(self)
        self.article_list, self.pair, self.version_list = panes.article_list, panes.pair, panes.version_list
        self.model, self.table, self.show_all = panes.model, panes.table, panes.show_all
        self.message, self.evidence, self.legend = panes.message, panes.evidence, panes.legend
        self.article_list.currentRowChanged.connect(self._article_chosen)
        self.pair.currentIndexChanged.connect(self._pair_chosen)
        self.version_list.currentRowChanged.connect(self._version_chosen)
        self.model.goldEdited.connect(self._gold_typed)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_evidence())
        self.table.installEventFilter(self)
        self.show_all.toggled.connect(self._show_all)

    def _actions(self) -> None:
        def add(text: str, keys: list[str], slot: Any) -> None:
            self.addAction(make_action(self, text, keys, slot, context=Qt.ShortcutContext.WindowShortcut))

        add("Take coder A's value", ["Left", "["], lambda: self.take("a"))
        add("Take coder B's value", ["Right", "]"], lambda: self.take("b"))
        add("Next field", ["J"], lambda: self.move_field(+1))
        add("Previous field", ["K"], lambda: self.move_field(-1))
        add("Save the gold event and go on", ["Ctrl+Return", "Ctrl+Enter"], self.save_gold)
        add("Drop the event (no gold event)", ["Delete"], self.drop)
        add("Next event", ["PgDown"], lambda: self.move_version(+1))
        add("Previous event", ["PgUp"], lambda: self.move_version(-1))
        undo = make_action(self, "Undo", ["Ctrl+Z"], self.undo_stack.undo, context=Qt.ShortcutContext.WindowShortcut)
        redo = make_action(self, "Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], self.undo_stack.redo,
                           context=Qt.ShortcutContext.WindowShortcut)
        self.addActions([undo, redo])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Enter on the field table types the gold value (the editor's own Enter commits it).
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier \
                and self.table.state() != QAbstractItemView.State.EditingState:
            self.edit_gold()
            return True
        return super().eventFilter(watched, event)

    # ---- articles -------------------------------------------------------------------------
    def reload_articles(self) -> None:
        """The double-coded articles and their state (a short query)."""
        queued = set(self._unstored.values())
        self.articles = [replace(a, adjudicated=True) if a.article_id in queued else a
                         for a in double_coded_articles(self.repo)]
        current = self.article_id
        self.article_list.blockSignals(True)
        self.article_list.clear()
        for item in self.articles:
            state = "adjudicated" if item.adjudicated else "not adjudicated"
            entry = QListWidgetItem(f"{item.title}\n{', '.join(item.coders)} · {state}")
            entry.setData(Qt.ItemDataRole.UserRole, item.article_id)
            entry.setToolTip(f"article {item.article_id}")
            self.article_list.addItem(entry)
        row = next((i for i, a in enumerate(self.articles) if a.article_id == current), -1)
        self.article_list.setCurrentRow(row)
        self.article_list.blockSignals(False)
        if not self.articles:
            self.message.setText("No article has two coders yet: assign articles to two coders and let both code them.")

    def open_article(self, article_id: Optional[int] = None, coder_a: str = "", coder_b: str = "") -> None:
        """Show an article (default the first not adjudicated) with the two coders' versions."""
        if not self.articles:
            self.reload_articles()
        if article_id is None:
            pending = [a for a in self.articles if not a.adjudicated] or self.articles
            if not pending:
                return
            article_id = pending[0].article_id
        found = next((a for a in self.articles if a.article_id == article_id), None)
        if found is None:
            self.reload_articles()
            found = next((a for a in self.articles if a.article_id == article_id), None)
        if found is None:
            self.message.setText(f"Article {article_id} has no two coders' versions to adjudicate.")
            return
        self.article_list.blockSignals(True)
        self.article_list.setCurrentRow(self.articles.index(found))
        self.article_list.blockSignals(False)
        if self.repo.hides_others(article_id, self.adjudicator):
            # Blind mode: a coder of the article must not see the other version before it is adjudicated.
            self.article_id, self.text, self.versions, self.index = article_id, "", [], -1
            self.evidence.set_article("")
            self.model.set_version(None, {}, ("", ""), {})
            self.version_list.clear()
            self.message.setText(f"You code this article yourself and blind mode is on: someone who does not "
                                 f"code it ({', '.join(found.coders)}) adjudicates it.")
            return
        article = self.repo.get_article(article_id)
        self.article_id, self.text = article_id, article.text if article is not None else ""
        pairs = list(combinations(found.coders, 2))
        if coder_a and coder_b and (coder_a, coder_b) not in pairs:
            pairs.insert(0, (coder_a, coder_b))
        self.pair.blockSignals(True)
        self.pair.clear()
        for a, b in pairs:
            self.pair.addItem(f"A {a}  ·  B {b}", (a, b))
        self.pair.setCurrentIndex(pairs.index((coder_a, coder_b)) if (coder_a, coder_b) in pairs else 0)
        self.pair.setEnabled(len(pairs) > 1)
        self.pair.blockSignals(False)
        self.evidence.set_article(self.text)
        self._load_versions(self.pair.currentData())
        self.table.setFocus()

    def _article_chosen(self, row: int) -> None:
        if 0 <= row < len(self.articles) and self.articles[row].article_id != self.article_id:
            self.open_article(self.articles[row].article_id)

    def _pair_chosen(self) -> None:
        if self.pair.currentData():
            self._load_versions(self.pair.currentData())

    def _load_versions(self, coders: tuple[str, str], keep: Optional[tuple[str, ...]] = None) -> None:
        assert self.article_id is not None
        self.coders = coders
        self.versions = article_versions(self.repo, self.article_id, *coders)
        source = next((v.a or v.b for v in self.versions if v.a or v.b), None)
        book = (find_codebook(source.event.codebook_name, source.event.codebook_version, repo=self.repo)
                if source is not None else None) or default_codebook()
        self.specs = {f.name: f for f in book.fields}
        self.legend.setText(f"<span style='background:#d6e4fb'>&nbsp;A {coders[0]}&nbsp;</span>&nbsp;&nbsp;"
                            f"<span style='background:#fde3c8'>&nbsp;B {coders[1]}&nbsp;</span>&nbsp;&nbsp;"
                            "current field: darker, underlined")
        self._load_gold()
        start = next((i for i, v in enumerate(self.versions) if tuple(v.sources) == keep), None)
        if start is None:
            start = next((i for i, v in enumerate(self.versions) if self.state(v) == "open"), 0)
        self._fill_versions()
        self.show_version(start if self.versions else -1)
        if not self.versions:
            self.message.setText(f"Neither {coders[0]} nor {coders[1]} coded an event in this article.")

    def _load_gold(self) -> None:
        assert self.article_id is not None
        self.gold_sources = {tuple(e.event.sources or ()) for e in self.repo.gold_events(self.article_id)}

    # ---- versions -------------------------------------------------------------------------
    def key(self, version: Version) -> VersionKey:
        assert self.article_id is not None
        return version_key(self.article_id, version)

    def state(self, version: Version) -> str:
        """saved (a gold event has exactly these sources), dropped, or open."""
        if tuple(version.sources) in self.gold_sources:
            return "saved"
        return "dropped" if self.choices.get(self.key(version), {}).get("") == DROP else "open"

    def _describe(self, n: int, version: Version) -> str:
        side = version.a or version.b
        assert side is not None
        e = side.event
        what = ", ".join(str(x) for x in (e.event_type, e.event_date, e.location) if x) or "an event"
        if version.a is not None and version.b is not None:
            kind = "both" if not version.differing else f"both, {len(version.differing)} differ"
        else:
            kind = f"only {self.coders[0] if version.a is not None else self.coders[1]}"
        state = {"saved": " · gold saved", "dropped": " · dropped", "open": ""}[self.state(version)]
        return f"{n}. {what} ({kind}){state}"

    def _fill_versions(self) -> None:
        self.version_list.blockSignals(True)
        self.version_list.clear()
        for n, version in enumerate(self.versions, 1):
            self.version_list.addItem(self._describe(n, version))
        self.version_list.setCurrentRow(self.index)
        self.version_list.blockSignals(False)

    def show_version(self, index: int, field: Optional[str] = None) -> None:
        self.index = index
        version = self.current()
        choices = self.choices.setdefault(self.key(version), {}) if version is not None else {}
        self.model.set_version(version, choices, self.coders, self.specs)
        self.version_list.blockSignals(True)
        self.version_list.setCurrentRow(index)
        self.version_list.blockSignals(False)
        if version is None:
            return
        row = self.model.row_of(field) if field else -1
        if row < 0:
            differing = [self.model.row_of(n) for n in version.differing if self.model.row_of(n) >= 0]
            row = differing[0] if differing else 0
        self.table.setCurrentIndex(self.model.index(row, VersionFieldsModel.GOLD))
        state = self.state(version)
        self.message.setText({"saved": "Its gold event is saved (Ctrl+Z takes it back).",
                              "dropped": "Dropped: no gold event will be made of it (Ctrl+Z takes it back).",
                              "open": self._open_message(version)}[state])
        self._show_evidence()

    def _open_message(self, version: Version) -> str:
        if version.a is None or version.b is None:
            return "Only one coder found this event: Ctrl+Return takes it whole as gold, Delete drops it."
        n = len(version.differing)
        return f"{n} field{'s' if n != 1 else ''} differ." if n else "The coders agree on every field."

    def _version_chosen(self, row: int) -> None:
        if 0 <= row < len(self.versions) and row != self.index:
            self.show_version(row)

    def current(self) -> Optional[Version]:
        return self.versions[self.index] if 0 <= self.index < len(self.versions) else None

    def current_field(self) -> Optional[str]:
        row = self.table.currentIndex().row()
        return self.model.names[row] if 0 <= row < len(self.model.names) else None

    def _show_evidence(self) -> None:
        version = self.current()
        if version is None:
            self.evidence.show_evidence([])
            return
        name = self.current_field()
        spans = []
        for f in version.fields:
            for side, span in (("a", f.evidence_a), ("b", f.evidence_b)):
                if span is not None:
                    spans.append((side, span[0], span[1], f.name == name))
        self.evidence.show_evidence(spans)

    def _show_all(self, on: bool) -> None:
        name = self.current_field()
        self.model.set_show_all(on)
        row = self.model.row_of(name) if name else 0
        self.table.setCurrentIndex(self.model.index(max(row, 0), VersionFieldsModel.GOLD))

    # ---- keys -----------------------------------------------------------------------------
    def move_field(self, step: int) -> None:
        rows = self.model.rowCount()
        if rows:
            row = min(max(self.table.currentIndex().row() + step, 0), rows - 1)
            self.table.setCurrentIndex(self.model.index(row, VersionFieldsModel.GOLD))

    def move_version(self, step: int) -> None:
        if self.versions:
            self.show_version(min(max(self.index + step, 0), len(self.versions) - 1))

    def take(self, side: str) -> None:
        """The current field's gold value from side "a" or "b" (an undoable step)."""
        version, name = self.current(), self.current_field()
        if version is None or name is None or self.state(version) == "saved":
            return
        if (version.a if side == "a" else version.b) is None:
            self.message.setText(f"{self.coders[side == 'b']} has no version of this event: "
                                 "Ctrl+Return takes the other whole, Delete drops it.")
            return
        self._choose(version, name, side, f"Take {self.coders[side == 'b']}'s {name}")
        self.move_field(+1)

    def edit_gold(self) -> None:
        version = self.current()
        if version is not None and self.state(version) != "saved" and self.current_field():
            index = self.model.index(self.table.currentIndex().row(), VersionFieldsModel.GOLD)
            self.table.setCurrentIndex(index)
            self.table.edit(index)

    def _gold_typed(self, name: str, text: str) -> None:
        version = self.current()
        if version is None:
            return
        spec = self.specs.get(name)
        try:
            value = parse_gold_value(spec, text) if spec is not None else (text.strip() or None)
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        if value == gold_of(version, name, self.choices.get(self.key(version), {}))[0]:
            return  # Enter on an unchanged value keeps the side taken (and its evidence)
        self._choose(version, name, Edited(value), f"Type the gold {name}")

    def _choose(self, version: Version, name: str, choice: Any, text: str) -> None:
        key = self.key(version)
        old = self.choices.get(key, {}).get(name)
        if old != choice:
            self.undo_stack.push(ChoiceCommand(self, key, name, choice, old, text))

    def drop(self) -> None:
        """No gold event from this version (an event one coder found that was not one)."""
        version = self.current()
        if version is None or self.state(version) != "open":
            return
        self.undo_stack.beginMacro("Drop the event")
        self._choose(version, "", DROP, "Drop the event")
        self._mark_if_decided()
        self.undo_stack.endMacro()
        self.go_on()

    def save_gold(self) -> None:
        """The gold event of the version shown (undoable), then on to the next open version,
        or the next article not adjudicated."""
        if self.table.state() == QAbstractItemView.State.EditingState:
            editor = QApplication.focusWidget()
            if editor is not None and editor.parent() is self.table.viewport():
                self.table.commitData(editor)
                self.table.closeEditor(editor, GoldDelegate.EndEditHint.NoHint)
        version = self.current()
        if version is None or self.state(version) != "open":
            self.go_on()
            return
        command = SaveGoldCommand(self.repo, self.signals, version, self.choices.get(self.key(version), {}),
                                  self.adjudicator)
        command.on_written = self._gold_written
        # Shown saved, and the article adjudicated, at once: the write is queued behind any other
        # and the view goes on without waiting for it (it says so if the write fails).
        assert self.article_id is not None
        self._unstored[id(command)] = self.article_id
        self.gold_sources.add(tuple(version.sources))
        self.undo_stack.push(command)
        self.go_on()

    def _gold_written(self, command: SaveGoldCommand, ok: bool) -> None:
        self._stored(command)
        if ok and command.gold_id is not None:
            self.saved.emit(self.repo.get_event(command.gold_id))

    def _stored(self, command: Any) -> None:
        """A queued save or mark is written (or failed): the workspace says the rest, in the
        reload its change brings (_changed)."""
        self._unstored.pop(id(command), None)

    def _mark_if_decided(self) -> None:
        """The last open version dropped and no gold event made: mark the article adjudicated."""
        assert self.article_id is not None
        if all(self.state(v) != "open" for v in self.versions) and not self.repo.is_adjudicated(self.article_id):
            mark = MarkAdjudicatedCommand(self.repo, self.signals, self.article_id, self.adjudicator)
            mark.on_written = lambda command, ok: self._stored(command)
            self._unstored[id(mark)] = self.article_id  # the list shows it adjudicated at once
            self.undo_stack.push(mark)

    def go_on(self) -> None:
        """The next open version of this article, else the next article not adjudicated."""
        n = len(self.versions)
        for step in range(1, n + 1):
            i = (self.index + step) % n
            if self.state(self.versions[i]) == "open":
                self.show_version(i)
                return
        self.reload_articles()
        at = next((i for i, a in enumerate(self.articles) if a.article_id == self.article_id), -1)
        later = self.articles[at + 1:] + self.articles[:max(at, 0)]
        pending = next((a for a in later if not a.adjudicated), None)
        if pending is None:
            self.message.setText("Every double-coded article is adjudicated.")
            return
        self.open_article(pending.article_id)

    # ---- undo targets and outside changes -------------------------------------------------
    def apply_choice(self, key: VersionKey, name: str, choice: Any) -> None:
        """Set (None: clear) a choice; the article and version it belongs to come on screen."""
        choices = self.choices.setdefault(key, {})
        if choice is None:
            choices.pop(name, None)
        else:
            choices[name] = choice
        article_id, sources = key
        if article_id != self.article_id:
            self.open_article(article_id, *self.coders)
        at = next((i for i, v in enumerate(self.versions) if tuple(v.sources) == sources), -1)
        if at < 0:
            return
        if at != self.index:
            self.show_version(at, name or None)
        else:
            # The model shows this very dict: a redraw, not a reset (an editor may be committing).
            self.model.refresh()
            row = self.model.row_of(name) if name else -1
            if row >= 0:
                self.table.setCurrentIndex(self.model.index(row, VersionFieldsModel.GOLD))
            self.message.setText(self._open_message(self.versions[at]) if self.state(self.versions[at]) == "open"
                                 else self.message.text())
        self._fill_versions()

    def _changed(self, change: Change) -> None:
        """A gold event saved or taken back (here or by undo in the main window): states follow."""
        if not change.touches("events", "status"):
            return
        if change.article_id == self.article_id:
            self._load_gold()
            self._fill_versions()
            version = self.current()
            if version is not None:
                self.show_version(self.index, self.current_field())
        if any(a.article_id == change.article_id for a in self.articles):
            self.reload_articles()


__all__ = ["AdjudicationWindow"]
