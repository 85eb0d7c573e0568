"""A large JSONL file read in a second process (storage.import_reader): the workspace and the
report come out exactly as when this process reads the file alone, whatever the lines hold,
and nothing is lost when that process dies or the import is cancelled."""
from __future__ import annotations

import io
import json
import marshal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import storage.importers as importers
import storage.importers.reading as reading
from storage import import_reader
from storage.import_reader import read_file
from storage.importers import ImportReport, import_paths
from storage.models import ArticleStatus
from storage.plain_lines import STATUSES
from storage.repository import Repository

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 20 and a 30-line head, so a file of a few hundred lines crosses every path."""
    monkeypatch.setattr(importers, "BATCH_SIZE", 20)
    monkeypatch.setattr(reading, "MIN_LINES", 60)
    monkeypatch.setattr(reading, "HEAD_LINES", 30)


def _mixed_file(path: Path, repeat: int = 4) -> None:
    """Every kind of line a coder's file may hold, over several batches."""
    lines: list[bytes] = []

    def add(obj: Any) -> None:
        lines.append(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")

    for r in range(repeat):
        for i in range(40):
            add({"title": f"Report {r}-{i}", "text": f"Shelling hit Kharkiv on day {r}-{i}.\nTwo were killed.",
                 "source": "Wire", "url": f"https://example.org/{r}/{i}", "published": f"2024-08-{i % 28 + 1:02d}"})
        add({"title": "Café", "text": f"São Paulo: “protesters” — {r} marched\u3000downtown.", "language": "pt",
             "status": "coded", "published": "16 August 2024"})
        add({"text": f"Undated report {r}", "published": "sometime soon"})
        add({"text": "Shelling hit Kharkiv on day 0-1.\nTwo   were killed."})  # the same text, other spaces
        add({"text": f"Report with spans {r}", "spans": [{"start": 0, "end": 6, "label": "EVENT"}]})
        add({"text": f"Report with meta {r}", "meta": {"desk": "east"}, "author": "A. Writer"})
        lines.append(b"{not json\n")
        lines.append(b'{"text": "bad \xff byte"}\n')
        add({"text": "   "})
        add({"text": f"Unknown status {r}", "status": "lost"})
        lines.append(b"\n")
        lines.append(json.dumps({"text": f"Old Mac line {r}"}).encode() + b"\r"
                     + json.dumps({"text": f"Next Mac line {r}"}).encode() + b"\n")
        add({"kind": "coders", "coders": [f"coder{r}"]})
    path.write_bytes(b"".join(lines))


def _table(repo: Repository, name: str, columns: str) -> list[tuple[Any, ...]]:
    assert repo.path is not None
    with sqlite3.connect(repo.path) as conn:
        return conn.execute(f"SELECT {columns} FROM {name} ORDER BY 1").fetchall()


_ARTICLE = "id, title, text, source, url, published, language, sha256, status, meta, text_length"


def _outcome(repo: Repository, report: ImportReport) -> tuple[Any, ...]:
    return ((report.imported, report.duplicates, [(Path(f.path).name, f.reason) for f in report.failures],
             report.article_ids, report.cancelled),
            _table(repo, "article", _ARTICLE), _table(repo, "entityspan", "article_id, start, \"end\", label"),
            _table(repo, "coder", "name"), _table(repo, "article_search", "rowid, title, source"))


def _imported(tmp_path: Path, path: Path, name: str = "reader.sqlite") -> tuple[Any, ...]:
    repo = Repository(tmp_path / name)
    try:
        return _outcome(repo, import_paths(repo, [path]))
    finally:
        repo.close()


def _in_process(tmp_path: Path, path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    with monkeypatch.context() as m:
        m.setattr(reading, "MIN_LINES", 10**9)
        return _imported(tmp_path, path, "alone.sqlite")


class _Spy:
    """What the reading processes of an import sent."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.processes: list[reading.ReadingProcess] = []
        self.kinds: list[str] = []
        real_init, real_iter = reading.ReadingProcess.__init__, reading.ReadingProcess.__iter__
        spy = self

        def init(process: reading.ReadingProcess, *args: Any, **kwargs: Any) -> None:
            real_init(process, *args, **kwargs)
            spy.processes.append(process)

        def iterate(process: reading.ReadingProcess):  # type: ignore[no-untyped-def]
            for frame in real_iter(process):
                spy.kinds.append(frame[0])
                yield frame

        monkeypatch.setattr(reading.ReadingProcess, "__init__", init)
        monkeypatch.setattr(reading.ReadingProcess, "__iter__", iterate)


def test_the_reading_process_stores_what_this_process_alone_would(
        tmp_path: Path, small_batches: None, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mixed.jsonl"
    _mixed_file(path)
    expected = _in_process(tmp_path, path, monkeypatch)
    spy = _Spy(monkeypatch)
    got = _imported(tmp_path, path)
    assert len(spy.processes) == 1 and spy.processes[0].status == 0
    # Keyed and unkeyed row batches, lines left to this process, and the last frame all came.
    assert {"rows", "texts", "line", "end"} <= set(spy.kinds)
    assert got == expected
    report, articles = got[0], got[1]
    assert report[0] == len(articles) and report[1] > 0  # duplicates counted, not stored
    assert any("line" in reason and "not valid JSON" in reason for _, reason in report[2])
    assert any("0xFF" in reason for _, reason in report[2])


def _dies_after_three_frames(process: reading.ReadingProcess):  # type: ignore[no-untyped-def]
    for n, frame in enumerate(_REAL_ITER(process)):
        if n == 3:
            process._proc.kill()  # as the system would, out of memory
            return
        yield frame


def _cannot_start(*args: Any, **kwargs: Any) -> None:
    raise OSError("no Python to start a reading process with")


_REAL_ITER = reading.ReadingProcess.__iter__


@pytest.mark.parametrize(("method", "broken"), [("__iter__", _dies_after_three_frames), ("__init__", _cannot_start)],
                         ids=["dies", "cannot-start"])
def test_a_reading_process_that_fails_loses_nothing(
        tmp_path: Path, small_batches: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        method: str, broken: Any) -> None:
    """Either way this process reads what the reader did not deliver: the same workspace."""
    path = tmp_path / "mixed.jsonl"
    _mixed_file(path)
    expected = _in_process(tmp_path, path, monkeypatch)
    monkeypatch.setattr(reading.ReadingProcess, method, broken)
    assert _imported(tmp_path, path) == expected
    died = [r.getMessage() for r in caplog.records if "reading process ended" in r.getMessage()]
    assert len(died) == (method == "__iter__")


def test_cancel_stops_the_reading_process_and_keeps_what_is_stored(
        tmp_path: Path, small_batches: None, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mixed.jsonl"
    _mixed_file(path, repeat=8)
    spy = _Spy(monkeypatch)
    calls = {"n": 0}

    def cancel_later() -> bool:
        calls["n"] += 1
        return calls["n"] > 6

    repo = Repository(tmp_path / "reader.sqlite")
    try:
        report = import_paths(repo, [path], cancelled=cancel_later)
        stored = _table(repo, "article", "id")
    finally:
        repo.close()
    assert report.cancelled and 0 < report.imported < 300
    assert [row[0] for row in stored] == report.article_ids
    process = spy.processes[0]
    assert process.status is not None  # stopped and reaped, not left running
    assert "rows" in spy.kinds and "end" not in spy.kinds


def test_a_line_over_the_limit_is_named_by_the_reading_process(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    path.write_bytes(b'{"text": "short one"}\n{"text": "' + b"x" * 500 + b'"}\n{"text": "short two"}\n')
    out = io.BytesIO()
    read_file(str(path), 0, 0, 10, 100, out)
    data, frames = out.getvalue(), []
    while data:
        size = int.from_bytes(data[:4], "little")
        frames.append(marshal.loads(data[4:4 + size]))
        data = data[4 + size:]
    assert [(f[0], f[1]) for f in frames] == [("rows", 1), ("line", 2), ("rows", 3), ("end", 3)]
    assert frames[1][2] is None


def test_the_reading_process_loads_no_orm() -> None:
    """Its start is the head this process reads alone: the ORM would triple it."""
    code = ("import sys; sys.path[:0] = sys.argv[1:3]; import storage.import_reader; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'pydantic') "
            "or m in ('storage.models', 'storage.repository', 'storage.importers')))")
    import msgspec

    site = str(Path(msgspec.__file__).resolve().parent.parent)
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code, str(ROOT), site], capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_statuses_a_plain_line_may_hold_are_the_workspace_s() -> None:
    assert STATUSES == {s.value for s in ArticleStatus}


def test_the_seed_article_repeated_is_keyed_alike_on_both_paths(
        tmp_path: Path, small_batches: None, monkeypatch: pytest.MonkeyPatch, seed_text: str) -> None:
    path = tmp_path / "seed.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(120):
            fh.write(json.dumps({"title": f"Seed {i}", "text": f"{seed_text}\n\nUpdate {i // 2}."}) + "\n")
    expected = _in_process(tmp_path, path, monkeypatch)
    got = _imported(tmp_path, path)
    assert got == expected and got[0][:2] == (60, 60)


def test_the_reading_process_gives_way_to_the_window(tmp_path: Path) -> None:
    """It runs at a lower priority than the importer: a coder's window keeps its core."""
    import os

    path = tmp_path / "big.jsonl"
    body = "Fighting continued along the front line, officials said. " * 35
    path.write_text("".join(json.dumps({"text": f"{i} {body}"}) + "\n" for i in range(6000)), encoding="utf-8")
    process = reading.ReadingProcess(path, 0, 500, 1 << 20, skip=0)
    try:
        frames = iter(process)
        assert next(frames)[0] == "rows"  # started; the queue and the pipe hold it back now
        pid = process._proc.pid
        own = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, own + import_reader.NICENESS)
    finally:
        process.close()
    assert process.status is not None


def test_frames_read_ahead_stay_within_their_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Articles of a megabyte each: the frames queued ahead hold at most QUEUED_BYTES and one more."""
    import time

    monkeypatch.setattr(reading, "QUEUED_BYTES", 2 << 20)
    path = tmp_path / "long.jsonl"
    path.write_text("".join(json.dumps({"text": f"{i} " + "word " * 200_000}) + "\n" for i in range(30)),
                    encoding="utf-8")
    process = reading.ReadingProcess(path, 0, 1, 1 << 24, skip=0)
    try:
        frames = iter(process)
        first = next(frames)
        assert first[0] == "rows" and len(first[2]) == 1
        most = 0
        for _ in range(50):  # while the reader fills the queue and then waits
            most = max(most, process._queued_bytes)
            time.sleep(0.01)
        assert 0 < most <= (2 << 20) + (1100 << 10)
        rest = [frame for frame in frames]
        assert sum(len(f[2]) for f in rest if f[0] in ("rows", "texts")) == 29 and rest[-1][0] == "end"
    finally:
        process.close()


def test_why_a_reading_process_failed_is_logged(tmp_path: Path, small_batches: None, monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    """A reader that cannot run (here: its own code raises) leaves the file to this process,
    and the log says what it said."""
    path = tmp_path / "mixed.jsonl"
    _mixed_file(path, repeat=2)
    expected = _in_process(tmp_path, path, monkeypatch)
    monkeypatch.setattr(reading, "_BOOT", "raise RuntimeError('no msgspec here')")
    assert _imported(tmp_path, path) == expected
    [message] = [r.getMessage() for r in caplog.records if "reading process ended" in r.getMessage()]
    assert "status 1: RuntimeError: no msgspec here" in message
