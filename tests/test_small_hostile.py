"""The smaller holes: odd file names, export scratch files, links out of a folder, foreign triggers."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from storage.db import WorkspaceError, dispose_engine
from storage.exporters import ExportOptions, export_dataset
from storage.importers import import_paths
from storage.repository import ArticleIn, Repository

ROOT = Path(__file__).resolve().parent.parent


def test_file_name_that_is_not_utf8_exports_and_imports_back(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"report-\xff\xfe.txt")  # what Python makes of a name that is not UTF-8
    (folder / name).write_text("Shelling near Kharkiv on Monday.", encoding="utf-8")
    assert import_paths(repo, [folder]).imported == 1
    out = tmp_path / "out.jsonl"
    export_dataset(repo, out, "jsonl", ExportOptions())
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["meta"]["file"] == "report-\ufffd\ufffd.txt"
    other = Repository(tmp_path / "other.sqlite")
    try:
        assert import_paths(other, [out]).imported == 1
    finally:
        other.close()


def test_workspace_holding_a_lone_surrogate_still_exports_jsonl(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo.add_article(ArticleIn(text="Protest in Lviv.", title="t", meta={"file": "bad-\udcff.txt"}))
    out = tmp_path / "out.jsonl"
    export_dataset(repo, out, "jsonl", ExportOptions())
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["meta"]["file"] == "bad-\udcff.txt"


def test_export_scratch_is_private_and_a_killed_exports_is_cleaned(repo, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    repo.add_event(repo.add_article(ArticleIn(text="Shots in Kyiv.", title="t")), {"notes": "n"}, coder="ana")
    out = tmp_path / "out.xlsx"
    # What a kill -9 leaves: a scratch folder of a process that is gone, with article text.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".out.xlsx.{dead.stdout.strip()}.abc123.export"
    stale.mkdir()
    (stale / "export.part").write_text("Shots in Kyiv.")
    # A link planted where the old predictable name was must never be written through.
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (tmp_path / f".out.xlsx.{os.getpid()}.part").symlink_to(victim)
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    seen: list[list[str]] = []

    def progress(done: int, total: int, message: str = "") -> None:
        seen.append(sorted(p.name for p in system_tmp.iterdir()))

    export_dataset(repo, out, "xlsx", ExportOptions(), progress=progress)
    assert seen and all(names == [] for names in seen)  # openpyxl's spill files stayed in the scratch folder
    assert not stale.exists() and victim.read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".export")) == []


def test_links_out_of_an_imported_folder_are_not_followed(repo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.txt"
    secret.write_text("private notes: password hunter2", encoding="utf-8")
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text("Protest in Odesa.", encoding="utf-8")
    (folder / "inside.txt").symlink_to(folder / "good.txt")
    (folder / "leak.txt").symlink_to(secret)
    report = import_paths(repo, [folder])
    texts = [repo.get_article(i).text for i in repo.article_ids()]
    assert texts == ["Protest in Odesa."]
    assert [Path(f.path).name for f in report.failures] == ["leak.txt"]
    assert "outside the imported folder" in report.failures[0].reason


def test_workspace_with_triggers_is_refused_untouched(tmp_path: Path) -> None:
    ws = tmp_path / "foreign.sqlite"
    Repository(ws).close()
    dispose_engine(ws)
    con = sqlite3.connect(ws)
    con.execute("CREATE TABLE loot (t TEXT)")
    con.execute("CREATE TRIGGER steal AFTER INSERT ON article BEGIN INSERT INTO loot VALUES (new.text); END")
    con.commit()
    con.close()
    with pytest.raises(WorkspaceError, match="triggers Chronicler never makes"):
        Repository(ws)
    con = sqlite3.connect(ws)
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE type='trigger'").fetchone()[0] == 1
    con.close()


def test_file_names_with_escape_sequences_are_printed_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil\x1b[31mred\x07.txt").write_text("", encoding="utf-8")
    (folder / "new\nline.txt").write_text("", encoding="utf-8")
    env = {**os.environ, "CHRONICLER_HOME": str(tmp_path / "home")}
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "import", "--no-suggest", "--db",
                           str(tmp_path / "ws.sqlite"), str(folder)], capture_output=True, text=True, timeout=120,
                          env=env)
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert "evil\\x1b[31mred\\x07.txt" in proc.stdout and "new\\nline.txt" in proc.stdout


@pytest.mark.parametrize("foreign", ["other_page_size", "not_a_wal"])
def test_a_journal_from_another_database_is_named_not_read(tmp_path: Path, foreign: str) -> None:
    ws = tmp_path / "ws.sqlite"
    repo = Repository(ws)
    repo.add_article(ArticleIn(text="Protest in Lviv.", title="t"))
    repo.close()
    dispose_engine(ws)
    wal = tmp_path / "ws.sqlite-wal"
    if foreign == "other_page_size":
        other = tmp_path / "other.sqlite"
        con = sqlite3.connect(other)
        con.execute("PRAGMA page_size=8192")
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA wal_autocheckpoint=0")
        con.execute("CREATE TABLE t (x)")
        con.execute("INSERT INTO t VALUES (1)")
        con.commit()
        wal.write_bytes((tmp_path / "other.sqlite-wal").read_bytes())
        con.close()
    else:
        wal.write_bytes(b"not a journal at all" * 10)
    with pytest.raises(WorkspaceError, match="ws.sqlite-wal"):
        Repository(ws)
