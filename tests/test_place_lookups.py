"""Place lookups never run on the GUI thread: the event panel looks places up in a worker, drops
a result the coder moved away from, and on a first start builds the gazetteer index in the
background (a child process) while the form stays usable."""
from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")
from PySide6.QtGui import QUndoStack  # noqa: E402

from coding.codebook import default_codebook  # noqa: E402
from storage.models import EntitySpan  # noqa: E402
from storage.repo_types import event_fields  # noqa: E402
from storage.repository import ArticleIn, Repository  # noqa: E402
from ui.events.panel import EventPanel  # noqa: E402
from ui.undo import WorkspaceSignals  # noqa: E402

TEXT = "Shelling hit Glushkovo on Tuesday, officials in Kursk said."


def _panel(qtbot: Any, repo: Repository) -> tuple[EventPanel, dict[str, EntitySpan], list[str]]:
    aid = repo.add_article(ArticleIn(text=TEXT, title="Shelling", published=dt.date(2024, 8, 16)))
    spans = {w: repo.add_span(EntitySpan(article_id=aid, start=TEXT.index(w), end=TEXT.index(w) + len(w), label=label))
             for w, label in (("Glushkovo", "GPE"), ("Kursk", "GPE"), ("on Tuesday", "DATE"))}
    panel = EventPanel(repo, QUndoStack(), WorkspaceSignals(), "ana")
    messages: list[str] = []
    panel.statusMessage.connect(lambda text, _ms: messages.append(text))
    panel.pick_when_ambiguous = False
    qtbot.addWidget(panel)
    panel.set_article(repo.get_bundle(aid), default_codebook())
    return panel, spans, messages


def _events(repo: Repository) -> list[dict]:
    (aid,) = repo.article_ids()
    return [event_fields(e.event) for e in repo.get_bundle(aid).events]


def test_a_place_is_looked_up_in_a_worker_thread_and_the_form_shows_it(qtbot: Any, repo: Repository,
                                                                       gazetteer_index: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import coding.places

    threads: list[threading.Thread] = []
    real = coding.places.resolve_place

    def spy(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(coding.places, "resolve_place", spy)
    panel, spans, _ = _panel(qtbot, repo)
    panel.add_event()
    outcome = panel.fill_from_highlight(spans["Glushkovo"])  # Space: the location, by kind
    assert outcome.pending and outcome.field == "location" and outcome.edit is None
    qtbot.waitUntil(lambda: panel.lookups_pending() == 0)
    assert threads and all(t is not threading.main_thread() for t in threads)
    form = panel.current_form()
    assert form is not None and form.widgets["location"].current_value() == "Glushkovo"
    assert "Russia" in form.widgets["location"].note.text()
    (values,) = _events(repo)
    assert values["country"] == "Russia" and values["geo_precision"] == 1


def test_a_result_for_an_event_the_coder_left_is_dropped(qtbot: Any, repo: Repository, gazetteer_index: Path) -> None:
    panel, spans, messages = _panel(qtbot, repo)
    first = panel.add_event()
    panel.current_form().focus_field("location")  # type: ignore[union-attr]
    assert panel.fill_active_field(spans["Glushkovo"])
    panel.add_event()  # another event before the lookup came back
    qtbot.waitUntil(lambda: panel.lookups_pending() == 0)
    assert not any(v.get("location") for v in _events(repo))
    assert any("dropped" in m for m in messages)
    panel.select_event(first)
    panel.current_form().focus_field("location")  # type: ignore[union-attr]
    assert panel.fill_active_field(spans["Glushkovo"])
    assert panel.fill_active_field(spans["Kursk"])  # asked again: only the newer one lands
    qtbot.waitUntil(lambda: panel.lookups_pending() == 0)
    assert [v.get("location") for v in _events(repo)] == ["Kursk", None]


@pytest.mark.slow
def test_first_start_builds_the_index_in_the_background_and_the_form_works_meanwhile(
        qtbot: Any, repo: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coding.gazetteer import index_path, index_ready

    monkeypatch.setenv("CHRONICLER_CACHE", str(tmp_path / "cold-cache"))  # nothing built yet
    assert not index_ready()
    panel, spans, messages = _panel(qtbot, repo)
    assert panel.lookups_pending() == 1  # the build, started with the panel
    panel.add_event()
    panel.current_form().focus_field("event_date")  # type: ignore[union-attr]
    assert panel.fill_active_field(spans["on Tuesday"])  # a date needs no gazetteer: at once
    assert _events(repo)[0]["event_date"] == dt.date(2024, 8, 13)
    panel.current_form().focus_field("location")  # type: ignore[union-attr]
    assert panel.fill_active_field(spans["Glushkovo"])  # waits for the index, in the worker
    assert panel.lookups_pending() == 2  # the build, then this lookup
    qtbot.waitUntil(lambda: panel.lookups_pending() == 0, timeout=240_000)
    assert index_path().exists()
    assert _events(repo)[0]["country"] == "Russia"
    assert any("once the place index is built" in m for m in messages)
    assert any("Building the place index (first use): " in m and "step" in m for m in messages)
    assert any("Place index built" in m for m in messages)
