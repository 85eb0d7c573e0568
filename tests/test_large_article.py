"""A very large article opens as a window of its text, read off the GUI thread: the whole text
never becomes one string, and the highlights and evidence in the window sit on their characters."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from storage.article_window import read_window  # noqa: E402
from storage.models import EntitySpan  # noqa: E402
from storage.repository import ArticleIn, Repository  # noqa: E402
from ui.settings import Settings  # noqa: E402

# 5 MB of text with an emoji and CRLF line ends in every line (offsets differ in Qt there).
LINE = "Shelling near the bridge \U0001f4a5 was reported again.\r\n"
N_LINES = 5_000_000 // len(LINE)


def _big_text() -> str:
    lines = [LINE] * N_LINES
    lines[1] = "Troops entered Kyiv at dawn.\r\n"
    lines[3000] = "Later that week Kharkiv was hit.\r\n"  # in the second window of 100,000
    lines[-2] = "At the very end, Odesa.\r\n"
    return "".join(lines)


@pytest.fixture
def big(tmp_path: Path) -> tuple[Repository, int, str]:
    text = _big_text()
    repo = Repository(tmp_path / "big.sqlite")
    aid = repo.add_article(ArticleIn(text=text, title="A very long report"))
    repo.add_article(ArticleIn(text="A short one about Sumy.", title="Short"))
    for word in ("Kyiv", "Kharkiv", "Odesa"):
        start = text.index(word)
        repo.add_span(EntitySpan(article_id=aid, start=start, end=start + len(word), label="GPE"))
    event = repo.add_event(aid, {"notes": "n"}, coder="ana")
    start = text.index("Kyiv")
    repo.set_evidence(event.id, "location", start, start + 4)
    yield repo, aid, text
    repo.close()


def _qt(text: str) -> str:
    return text.replace("\r\n", "\u2029").replace("\n", "\u2029")


def test_a_window_holds_its_spans_and_evidence_in_its_own_offsets(big: Any) -> None:
    repo, aid, text = big
    k = text.index("Kharkiv")
    bundle, window = read_window(repo, aid, k - 1000, 100_000)
    assert (window.start, window.size, window.total) == (k - 1000, 100_000, len(text))
    assert bundle.article.text == text[window.start:window.end]
    assert [bundle.article.text[s.start:s.end] for s in bundle.spans] == ["Kharkiv"]
    assert bundle.events[0].evidence == {}  # "Kyiv" lies before this window
    bundle, window = read_window(repo, aid, 10**9, 100_000)  # past the end: the last window
    assert window.end == len(text) and [bundle.article.text[s.start:s.end] for s in bundle.spans] == ["Odesa"]


def test_the_window_opens_a_very_large_article_off_the_gui_thread_and_moves(
        qtbot: Any, big: Any, settings: Settings, gazetteer_index: Path) -> None:
    from ui.window.main_window import MainWindow

    repo, aid, text = big
    w = MainWindow(repo, "tester", settings, start_jobs=False)
    w.jobs.show_dialogs = False
    qtbot.addWidget(w)
    w.show()
    w.sync.large_article_chars, w.sync.window_chars = 1_000_000, 100_000  # a 5 MB article is "very large"
    w.list_panel.clear_filters()
    t0 = time.perf_counter()
    assert w.list_panel.select_article(aid)
    opened_ms = (time.perf_counter() - t0) * 1000
    reader = w.reader
    qtbot.waitUntil(lambda: reader.text_window is not None, timeout=30_000)
    assert opened_ms < 2000  # the selection returned before the text was read (generous: a loaded machine)
    window = reader.text_window
    assert window.start == 0 and window.size == 100_000 and window.total == len(text)
    assert reader.window_bar.isVisible() and f"{len(text):,} characters" in reader.window_bar.label.text()
    assert len(reader.view.toPlainText()) < 100_000  # a window of the text, CR LF as one
    (kyiv,) = [s for s in reader._spans if reader._article.text[s.start:s.end] == "Kyiv"]
    assert reader.view.highlight_text(kyiv.id) == _qt("Kyiv")  # the highlight sits on its word
    assert not reader.act_accept.isEnabled() and reader.act_next.isEnabled()  # read-only: a window's offsets are never saved
    assert not w.event_panel.isEnabled() and w.event_panel.list.count() == 1
    evidence = w.event_panel.editor.evidence_texts() if w.event_panel.current else {}
    assert evidence.get("location", "Kyiv") == "Kyiv"
    reader.window_bar.later.click()  # the next part, overlapping a tenth
    qtbot.waitUntil(lambda: reader.text_window is not None and reader.text_window.start > 0, timeout=30_000)
    window = reader.text_window
    assert window.start == 90_000
    (kharkiv,) = [s for s in reader._spans]
    assert reader.view.highlight_text(kharkiv.id) == _qt("Kharkiv")
    short = next(i for i in w.list_panel.model.ids() if i != aid)
    assert w.list_panel.select_article(short)  # an ordinary article: the whole of it, editable again
    assert reader.text_window is None and not reader.window_bar.isVisible() and w.event_panel.isEnabled()
    assert reader.view.toPlainText() == "A short one about Sumy."
    w.close()
