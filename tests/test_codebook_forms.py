"""Coding one event per codebook (ACLED, UCDP GED, PLOVER) through the event form as a coder
does (qtbot): highlights into focused fields, choices picked, text typed; then exported and
checked column by column against the same hand-written rows as the editor test."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")

from PySide6.QtGui import QUndoStack  # noqa: E402

from storage.repository import Repository  # noqa: E402
from tests.codebook_events import STEPS, add_article, check_exports, codebook, span_of  # noqa: E402
from ui.events.field_widgets import ChoiceField, ListField  # noqa: E402
from ui.events.lookup_fields import ActorField  # noqa: E402
from ui.events.panel import EventPanel  # noqa: E402
from ui.undo import WorkspaceSignals  # noqa: E402


def _type(qtbot: Any, panel: EventPanel, widget: Any, value: Any) -> None:
    """Type a value into a field's line as the coder would, then leave it (the edit is saved)."""
    text = "; ".join(map(str, value)) if isinstance(value, list) else str(value)
    line = widget.combo.lineEdit() if isinstance(widget, ActorField) else getattr(widget, "line", None) or widget.box
    line.clear()
    qtbot.keyClicks(line, text)
    panel.flush_edits()


def _choose(widget: ChoiceField, value: Any) -> None:
    index = widget.combo.findData(value)
    assert index >= 0, f"{value!r} is not offered by {widget.spec.name}"
    widget.combo.setCurrentIndex(index)
    widget.combo.activated.emit(index)


@pytest.mark.parametrize("name", ["acled", "ucdp_ged", "plover"])
def test_one_event_per_codebook_through_the_form_and_export(qtbot: Any, repo: Repository, tmp_path: Path,
                                                            name: str, gazetteer_index: Path) -> None:
    article_id = add_article(repo)
    spans = {(s.start, s.end): s for s in repo.spans(article_id)}
    panel = EventPanel(repo, QUndoStack(), WorkspaceSignals(), "ana")
    qtbot.addWidget(panel)
    panel.set_article(repo.get_bundle(article_id), codebook(name))
    assert panel.add_event() is not None
    form = panel.current_form()
    assert form is not None and list(form.widgets) == codebook(name).field_names  # the form follows
    for kind, field, value in STEPS[name]:
        widget = form.widgets[field]
        form.focus_field(field)
        if kind == "fill":
            assert panel.fill_active_field(spans[span_of(value)], value), field
            qtbot.waitUntil(lambda: panel.lookups_pending() == 0)  # a place: looked up off the GUI thread
        elif isinstance(widget, ChoiceField):
            _choose(widget, value)
        else:
            _type(qtbot, panel, widget, value)
    if name == "plover":  # several actors, contexts, sectors: one line each
        assert all(isinstance(form.widgets[f], ListField) for f in ("actor", "recipient", "context", "actor_sector"))
        assert form.widgets["actor"].line.text() == "Russian forces; Wagner fighters"
    (item,) = repo.article_events(article_id)
    assert (item.event.codebook_name, item.event.codebook_version, item.event.coder) == (name, "1", "ana")
    check_exports(repo, name, tmp_path, item.event.uid, article_id)
